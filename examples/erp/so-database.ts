// The demo runs from this repository's sources. In an application: `import { ... } from 'so-database';`
export * from '../../src/index.js';
