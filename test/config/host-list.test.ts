import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeConfig } from '../../src/config/normalize.js';
import { ConfigurationError } from '../../src/errors/configuration-error.js';

const normalize = (db: Record<string, unknown>) => normalizeConfig({ connections: { db } }, 'test').connections.db;

function refused(db: Record<string, unknown>, key: string, message: RegExp): void {
  assert.throws(
    () => normalize(db),
    (e: unknown) => e instanceof ConfigurationError && e.key === key && e.connection === 'db' && message.test(e.message) && !/s3cret/.test(e.message),
  );
}

describe('normalizeConfig: several hosts per server entry', () => {
  it('a host list takes each host own port or the connection port, and the writer targets the primary', () => {
    const db = normalize({ driver: 'pgsql', host: ['pg1', 'pg2:5433', '[::1]:5434'], port: 6432 });
    assert.deepEqual(db.write.hosts, [
      { host: 'pg1', port: 6432 },
      { host: 'pg2', port: 5433 },
      { host: '::1', port: 5434 },
    ]);
    assert.equal(db.write.host, 'pg1');
    assert.equal(db.write.targetSessionAttrs, 'primary');
  });

  it('a multi-host url with target_session_attrs, its password kept as written', () => {
    const db = normalize({ url: 'postgres://app:s3cret@pg1:5432,pg2:5433/shop?target_session_attrs=prefer-standby' });
    assert.deepEqual(db.write.hosts, [
      { host: 'pg1', port: 5432 },
      { host: 'pg2', port: 5433 },
    ]);
    assert.equal(db.write.targetSessionAttrs, 'prefer-standby');
    assert.equal(db.write.password, 's3cret');
    assert.equal(db.write.database, 'shop');
  });

  it('read entries default to prefer-standby; a comma-separated text is a list; one plain host has no list', () => {
    const db = normalize({ driver: 'mysql', host: 'a,b:3307', read: [{ host: ['c', 'd'] }, { host: 'e' }] });
    assert.equal(db.write.targetSessionAttrs, 'primary');
    assert.deepEqual(db.write.hosts, [
      { host: 'a', port: 3306 },
      { host: 'b', port: 3307 },
    ]);
    assert.equal(db.read[0].targetSessionAttrs, 'prefer-standby');
    assert.equal(db.read[1].hosts, undefined);
    assert.equal(normalize({ driver: 'mysql', host: 'one' }).write.hosts, undefined);
  });

  it('refuses an empty list, a non-text entry, a bad port and an unknown target, naming the key', () => {
    refused({ driver: 'pgsql', host: [] }, 'host', /empty list/);
    refused({ driver: 'pgsql', host: ['a', 3] }, 'host', /entry 1/);
    refused({ driver: 'pgsql', host: ['a:99999'] }, 'host', /port outside/);
    refused({ driver: 'pgsql', host: 'w', read: [{ host: ['a', ''] }] }, 'read[0].host', /entry 1/);
    refused({ driver: 'pgsql', host: ['a', 'b'], targetSessionAttrs: 'read-write' }, 'targetSessionAttrs', /primary, standby, prefer-standby, any/);
    refused({ url: 'postgres://app:s3cret@pg1:5432,:5433/shop' }, 'url', /entry 1/);
  });
});
