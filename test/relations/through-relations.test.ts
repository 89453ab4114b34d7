import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, beforeEach, test } from 'node:test';
import { cache, DB, EAGER_LOAD_CHUNK_SIZE, Model, type QueryEvent } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

// Laravel's example, one model per connection: projects (work) -> environments (ops) -> deployments (deploy).
class Project extends Model {
  static table = 'projects';
  static connection = 'work';
  declare id: number;
  declare name: string;
  deployments() {
    return this.hasManyThrough(Deployment, Environment, 'project_id', 'environment_id');
  }
  deploymentsByDefault() {
    return this.hasManyThrough(Deployment, Environment); // Eloquent's defaults: project_id, environment_id, id, id
  }
  latestDeployment() {
    return this.hasOneThrough(Deployment, Environment, 'project_id', 'environment_id').orderByDesc('id');
  }
  environments() {
    return this.hasMany(Environment);
  }
}

class Environment extends Model {
  static table = 'environments';
  static connection = 'ops';
  declare id: number;
  declare project_id: number;
  declare name: string;
}

class Deployment extends Model {
  static table = 'deployments';
  static connection = 'deploy';
  declare id: number;
  declare environment_id: number;
  declare commit_hash: string;
}

// A through relation under a belongsToMany: users (db) -> project_user (db) -> projects (work) -> ...
class User extends Model {
  static table = 'users';
  static connection = 'db';
  declare id: number;
  declare name: string;
  projects() {
    return this.belongsToMany(Project, 'project_user', 'user_id', 'project_id');
  }
}

type Counted = Project & Record<string, number>;

describeEachEngine('hasOneThrough and hasManyThrough, each hop on its own connection', (engine) => {
  const databases: ThrowawayDatabase[] = [];
  let events: QueryEvent[] = [];
  let stop: () => void;
  let apollo: Project;
  let gemini: Project;
  let mercury: Project;
  let ada: User;

  before(async () => {
    const names = ['db', 'work', 'ops', 'deploy'];
    const created = await Promise.all(names.map(() => engine.createDatabase()));
    databases.push(...created);
    await DB.configure({ default: 'db', connections: Object.fromEntries(names.map((name, i) => [name, created[i].options])) });
    const id = autoIncrement(engine.driver);
    await DB.connection('db').statement(`CREATE TABLE users (${id}, name VARCHAR(50))`);
    await DB.connection('db').statement('CREATE TABLE project_user (user_id INT NOT NULL, project_id INT NOT NULL)');
    await DB.connection('work').statement(`CREATE TABLE projects (${id}, name VARCHAR(50))`);
    await DB.connection('ops').statement(`CREATE TABLE environments (${id}, project_id INT, name VARCHAR(50))`);
    await DB.connection('deploy').statement(`CREATE TABLE deployments (${id}, environment_id INT, commit_hash VARCHAR(50))`);
    stop = DB.listen((event) => events.push(event));
  });

  beforeEach(async () => {
    await DB.connection('db').delete('DELETE FROM users');
    await DB.connection('db').delete('DELETE FROM project_user');
    await DB.connection('work').delete('DELETE FROM projects');
    await DB.connection('ops').delete('DELETE FROM environments');
    await DB.connection('deploy').delete('DELETE FROM deployments');
    apollo = await Project.create({ name: 'apollo' });
    gemini = await Project.create({ name: 'gemini' });
    mercury = await Project.create({ name: 'mercury' });
    const staging = await Environment.create({ project_id: apollo.id, name: 'staging' });
    const production = await Environment.create({ project_id: apollo.id, name: 'production' });
    const geminiProd = await Environment.create({ project_id: gemini.id, name: 'production' });
    await Environment.create({ project_id: mercury.id, name: 'empty' });
    await Deployment.create({ environment_id: staging.id, commit_hash: 'a1' });
    await Deployment.create({ environment_id: production.id, commit_hash: 'a2' });
    await Deployment.create({ environment_id: staging.id, commit_hash: 'a3' });
    await Deployment.create({ environment_id: geminiProd.id, commit_hash: 'g1' });
    ada = await User.create({ name: 'Ada' });
    await DB.connection('db').table('project_user').insert([
      { user_id: ada.id, project_id: apollo.id },
      { user_id: ada.id, project_id: mercury.id },
    ]);
    events = [];
  });

  after(async () => {
    stop?.();
    await DB.disconnect();
    await Promise.all(databases.map((d) => d.drop()));
  });

  const connections = () => events.map((e) => e.connection);
  const hashes = (deployments: readonly Deployment[]) => deployments.map((d) => d.commit_hash);

  test('awaiting it reads the through rows on their connection, then the related rows on theirs', async () => {
    const deployments = await apollo.deployments().orderBy('id');
    assert.deepEqual(hashes(deployments), ['a1', 'a2', 'a3']);
    assert.ok(deployments.every((d) => d instanceof Deployment));
    assert.deepEqual(connections(), ['ops', 'deploy']);
    assert.ok(events.every((e) => !/join/i.test(e.sql)));
    assert.deepEqual(hashes(await apollo.deploymentsByDefault().orderBy('id')), ['a1', 'a2', 'a3'], "Eloquent's default keys");

    const latest: Deployment | null = await apollo.latestDeployment();
    assert.equal(latest?.commit_hash, 'a3');
    assert.equal((await gemini.latestDeployment())?.commit_hash, 'g1');
    events = [];
    assert.equal(await mercury.latestDeployment(), null);
    assert.deepEqual(await mercury.deployments(), []);
    assert.deepEqual(connections(), ['ops', 'deploy', 'ops', 'deploy'], 'mercury has an environment but no deployment');
    events = [];
    assert.deepEqual(await new Project().deployments(), []);
    assert.equal(events.length, 0, 'a parent without its key needs no query');
  });

  test('a relation query: where, count, exists, pluck', async () => {
    assert.deepEqual(hashes(await apollo.deployments().where('commit_hash', '!=', 'a2').orderBy('id').get()), ['a1', 'a3']);
    events = [];
    assert.equal(await apollo.deployments().count(), 3);
    assert.deepEqual(connections(), ['ops', 'deploy']);
    assert.equal(await mercury.deployments().exists(), false);
    assert.deepEqual(await gemini.deployments().pluck('commit_hash'), ['g1']);
    assert.equal((await apollo.deployments().orderBy('id').first())?.commit_hash, 'a1');
  });

  test('with() loads them for every parent, one query per hop; nested under a belongsToMany; then awaiting sends nothing', async () => {
    const projects = await Project.with('deployments', 'latestDeployment').orderBy('id').get();
    assert.deepEqual(connections(), ['work', 'ops', 'deploy', 'ops', 'deploy']);
    assert.deepEqual(events[1].bindings.map(Number).sort(), [apollo.id, gemini.id, mercury.id].sort());
    events = [];
    assert.deepEqual(
      await Promise.all(projects.map(async (p) => hashes(await p.deployments()).sort())),
      [['a1', 'a2', 'a3'], ['g1'], []],
    );
    assert.deepEqual(
      await Promise.all(projects.map(async (p) => (await p.latestDeployment())?.commit_hash ?? null)),
      ['a3', 'g1', null],
    );
    assert.equal(events.length, 0);

    const [user] = await User.with('projects.deployments').get();
    assert.deepEqual(connections(), ['db', 'db', 'work', 'ops', 'deploy'], 'users, project_user, projects, environments, deployments');
    events = [];
    const mine = await user.projects();
    assert.deepEqual(
      await Promise.all(mine.map(async (p) => [p.name, hashes(await p.deployments()).sort()])),
      [
        ['apollo', ['a1', 'a2', 'a3']],
        ['mercury', []],
      ],
    );
    assert.equal(events.length, 0);
    const json = JSON.parse(JSON.stringify(user));
    assert.deepEqual(json.projects[0].pivot, { user_id: ada.id, project_id: apollo.id });
    assert.deepEqual(json.projects[0].deployments.map((d: Deployment) => d.commit_hash).sort(), ['a1', 'a2', 'a3']);
  });

  test('whereHas, whereDoesntHave and withCount cross every hop without a JOIN', async () => {
    const names = (projects: readonly Project[]) => projects.map((p) => p.name);
    assert.deepEqual(names(await Project.whereHas('deployments', (q) => q.where('commit_hash', 'g1')).get()), ['gemini']);
    assert.deepEqual(connections(), ['deploy', 'ops', 'work']);
    assert.ok(events.every((e) => !/join/i.test(e.sql)));
    assert.deepEqual(names(await Project.whereHas('deployments').orderBy('id').get()), ['apollo', 'gemini']);
    assert.deepEqual(names(await Project.whereDoesntHave('latestDeployment').get()), ['mercury']);
    assert.equal(await User.whereHas('projects.deployments', (q) => q.where('commit_hash', 'a2')).count(), 1);

    events = [];
    const counted = (await Project.withCount('deployments').orderBy('id').get()) as Counted[];
    assert.deepEqual(
      counted.map((p) => p.deployments_count),
      [3, 1, 0],
    );
    assert.deepEqual(connections(), ['work', 'ops', 'deploy']);
    assert.match(events[2].sql, /group by/i);
    const filtered = (await Project.withCount({ 'deployments as early': (q) => q.where('commit_hash', '<', 'a3') })
      .orderBy('id')
      .get()) as Counted[];
    assert.deepEqual(
      filtered.map((p) => p.early),
      [2, 0, 0],
    );
  });

  test(`1,200 parents: one query per hop per chunk of ${EAGER_LOAD_CHUNK_SIZE} keys`, async () => {
    const projects = Array.from({ length: 1200 }, (_, i) => ({ name: `bulk${i}` }));
    for (let i = 0; i < projects.length; i += 400) await DB.connection('work').table('projects').insert(projects.slice(i, i + 400));
    const rows = await DB.connection('work').select<{ id: number; name: string }>("SELECT id, name FROM projects WHERE name LIKE 'bulk%'");
    const environments = rows.map((r) => ({ project_id: r.id, name: r.name }));
    for (let i = 0; i < environments.length; i += 400) await DB.connection('ops').table('environments').insert(environments.slice(i, i + 400));
    const envRows = await DB.connection('ops').select<{ id: number; name: string }>("SELECT id, name FROM environments WHERE name LIKE 'bulk%'");
    const deployments = envRows.map((e) => ({ environment_id: e.id, commit_hash: `c-${e.name}` }));
    for (let i = 0; i < deployments.length; i += 400) await DB.connection('deploy').table('deployments').insert(deployments.slice(i, i + 400));

    events = [];
    const loaded = await Project.where('name', 'like', 'bulk%').with('latestDeployment').withCount('deployments').get();
    assert.equal(loaded.length, 1200);
    assert.deepEqual(connections(), ['work', 'ops', 'ops', 'deploy', 'deploy', 'ops', 'ops', 'deploy', 'deploy']);
    assert.ok(events.every((e) => e.bindings.length <= EAGER_LOAD_CHUNK_SIZE + 1));
    for (const project of loaded) {
      assert.equal((await project.latestDeployment())?.commit_hash, `c-${project.name}`);
      assert.equal((project as Counted).deployments_count, 1);
    }
    assert.equal(events.length, 9, 'matching sent nothing more');
  });

  test('the cache keeps loaded through relations', async () => {
    const key = `project-${randomBytes(4).toString('hex')}`;
    const loaded = (await Project.with('deployments', 'latestDeployment').where('id', apollo.id).first())!;
    await cache().put(key, loaded, 60);
    const back = (await cache().get<Project>(key))!;
    events = [];
    assert.deepEqual(hashes(await back.deployments()).sort(), ['a1', 'a2', 'a3']);
    assert.equal((await back.latestDeployment())?.commit_hash, 'a3');
    assert.equal(events.length, 0);
    await cache().forget(key);
  });
});
