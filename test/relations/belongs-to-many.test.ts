import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, beforeEach, test } from 'node:test';
import { cache, type Connection, DB, EAGER_LOAD_CHUNK_SIZE, Model, QueryError, type QueryEvent } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

class User extends Model {
  static table = 'users';
  static connection = 'db';
  declare id: number;
  declare name: string;
  roles() {
    return this.belongsToMany(Role, 'role_user', 'user_id', 'role_id').using('pivots').withPivot('level', 'active');
  }
  adminRoles() {
    return this.roles().wherePivot('level', '>', 5);
  }
  activeRoles() {
    return this.belongsToMany(Role, 'role_user', 'user_id', 'role_id').using('pivots').withPivotValue('active', 1);
  }
  stampedRoles() {
    return this.belongsToMany(Role, 'role_user', 'user_id', 'role_id').using('pivots').withTimestamps();
  }
  teams() {
    return this.belongsToMany(Team); // Eloquent's defaults: team_user, user_id, team_id; pivot on this model's connection
  }
}

class Role extends Model {
  static table = 'roles';
  static connection = 'auth';
  declare id: number;
  declare name: string;
  permissions() {
    return this.belongsToMany(Permission); // permission_role, role_id, permission_id, on 'auth'
  }
  users() {
    return this.belongsToMany(User, 'role_user', 'role_id', 'user_id').using('pivots');
  }
}

class Permission extends Model {
  static table = 'permissions';
  static connection = 'auth';
  declare id: number;
  declare name: string;
}

class Team extends Model {
  static table = 'teams';
  static connection = 'auth';
  declare id: number;
  declare name: string;
}

type WithCounts = User & Record<string, number>;

async function inOrder<T>(names: readonly string[], create: (name: string) => Promise<T>): Promise<T[]> {
  const created: T[] = [];
  for (const name of names) created.push(await create(name));
  return created;
}

const timestampType = { mysql: 'DATETIME', pgsql: 'TIMESTAMP', sqlite: 'TEXT' } as const;

describeEachEngine('belongsToMany across connections (users on db, roles on auth, role_user on pivots)', (engine) => {
  const databases: ThrowawayDatabase[] = [];
  let pivots: Connection;
  let events: QueryEvent[] = [];
  let stop: () => void;
  let ada: User;
  let grace: User;
  let linus: User;
  let nobody: User;
  let admin: Role;
  let editor: Role;
  let viewer: Role;
  let unused: Role;
  let manage: Permission;
  let edit: Permission;
  let read: Permission;

  before(async () => {
    const [db, auth, pivotDb] = await Promise.all([engine.createDatabase(), engine.createDatabase(), engine.createDatabase()]);
    databases.push(db, auth, pivotDb);
    await DB.configure({ default: 'db', connections: { db: db.options, auth: auth.options, pivots: pivotDb.options } });
    const id = autoIncrement(engine.driver);
    await DB.connection('db').statement(`CREATE TABLE users (${id}, name VARCHAR(50))`);
    await DB.connection('db').statement('CREATE TABLE team_user (user_id INT NOT NULL, team_id INT NOT NULL)');
    for (const table of ['roles', 'permissions', 'teams']) await DB.connection('auth').statement(`CREATE TABLE ${table} (${id}, name VARCHAR(50))`);
    await DB.connection('auth').statement('CREATE TABLE permission_role (role_id INT NOT NULL, permission_id INT NOT NULL)');
    const ts = timestampType[engine.driver];
    await DB.connection('pivots').statement(
      `CREATE TABLE role_user (user_id INT NOT NULL, role_id INT NOT NULL, level INT CHECK (level >= 0), active INT DEFAULT 0 NOT NULL, created_at ${ts} NULL, updated_at ${ts} NULL, PRIMARY KEY (user_id, role_id))`,
    );
    pivots = DB.connection('pivots');
    stop = DB.listen((event) => events.push(event));
  });

  beforeEach(async () => {
    for (const table of ['users', 'team_user']) await DB.connection('db').delete(`DELETE FROM ${table}`);
    for (const table of ['roles', 'permissions', 'teams', 'permission_role']) await DB.connection('auth').delete(`DELETE FROM ${table}`);
    await pivots.delete('DELETE FROM role_user');
    // One after another: the keys follow the order of the names.
    [ada, grace, linus, nobody] = await inOrder(['Ada', 'Grace', 'Linus', 'Nobody'], (name) => User.create({ name }));
    [admin, editor, viewer, unused] = await inOrder(['admin', 'editor', 'viewer', 'unused'], (name) => Role.create({ name }));
    [manage, edit, read] = await inOrder(['manage', 'edit', 'read'], (name) => Permission.create({ name }));
    const [red, blue] = await inOrder(['red', 'blue'], (name) => Team.create({ name }));
    await pivots.table('role_user').insert([
      { user_id: ada.id, role_id: admin.id, level: 9, active: 1 },
      { user_id: ada.id, role_id: editor.id, level: 5, active: 1 },
      { user_id: grace.id, role_id: editor.id, level: 3, active: 1 },
      { user_id: linus.id, role_id: viewer.id, level: 1, active: 0 },
    ]);
    await DB.connection('auth').table('permission_role').insert([
      { role_id: admin.id, permission_id: manage.id },
      { role_id: admin.id, permission_id: edit.id },
      { role_id: editor.id, permission_id: edit.id },
      { role_id: editor.id, permission_id: read.id },
      { role_id: viewer.id, permission_id: read.id },
    ]);
    await DB.connection('db').table('team_user').insert([
      { user_id: ada.id, team_id: red.id },
      { user_id: grace.id, team_id: red.id },
      { user_id: grace.id, team_id: blue.id },
    ]);
    events = [];
  });

  after(async () => {
    stop?.();
    await DB.disconnect();
    await Promise.all(databases.map((d) => d.drop()));
  });

  const connections = () => events.map((e) => e.connection);
  const names = (models: readonly { name: string }[]) => models.map((m) => m.name);
  const sorted = (models: readonly { name: string }[]) => names(models).sort();
  const levels = async (user: User) =>
    Object.fromEntries((await user.roles().orderBy('name').get()).map((r) => [r.name, r.pivot.level === null ? null : Number(r.pivot.level)]));

  test('awaiting it reads the pivot rows on their connection, then the related models on theirs; each has its pivot', async () => {
    const roles = await ada.roles();
    assert.deepEqual(sorted(roles), ['admin', 'editor']);
    assert.ok(roles.every((r) => r instanceof Role));
    assert.deepEqual(connections(), ['pivots', 'auth'], 'pivot rows, then roles: two queries, never a JOIN');
    assert.ok(events.every((e) => !/join/i.test(e.sql)));
    const adminRole = roles.find((r) => r.name === 'admin')!;
    assert.deepEqual({ ...adminRole.pivot }, { user_id: ada.id, role_id: admin.id, level: 9, active: 1 });
    assert.equal(adminRole.$dirty.pivot, undefined, 'the pivot is not an attribute');

    events = [];
    assert.deepEqual(await nobody.roles(), []);
    assert.deepEqual(connections(), ['pivots'], 'no pivot rows: no query of the related models');
    events = [];
    assert.deepEqual(await new User().roles(), []);
    assert.equal(events.length, 0, 'a parent without its key needs no query');

    assert.deepEqual(sorted(await editor.users()), ['Ada', 'Grace'], 'the inverse, pivot on a third connection');
  });

  test("Eloquent's defaults: table team_user, keys user_id and team_id, the pivot on the parent's connection", async () => {
    const teams = await grace.teams();
    assert.deepEqual(sorted(teams), ['blue', 'red']);
    assert.deepEqual(connections(), ['db', 'auth']);
    assert.match(events[0].sql, /team_user/);
    assert.deepEqual(Object.keys(teams[0].pivot).sort(), ['team_id', 'user_id']);
    events = [];
    assert.deepEqual(sorted(await admin.permissions()), ['edit', 'manage']);
    assert.deepEqual(connections(), ['auth', 'auth'], 'pivot and related on one connection: still two queries');
    assert.match(events[0].sql, /permission_role/);
  });

  test('with() loads it for every parent, one query per hop, nested too; then awaiting sends nothing; toJSON shows the pivot', async () => {
    const users = await User.with('roles.permissions').orderBy('id').get();
    assert.deepEqual(connections(), ['db', 'pivots', 'auth', 'auth', 'auth'], 'users, role_user, roles, permission_role, permissions');
    assert.deepEqual(events[1].bindings.map(Number).sort(), [ada.id, grace.id, linus.id, nobody.id].sort(), 'the distinct user keys');
    assert.deepEqual(events[2].bindings.map(Number).sort(), [admin.id, editor.id, viewer.id].sort(), 'the distinct role keys');
    events = [];
    const [adaRoles, graceRoles, linusRoles, nobodyRoles] = await Promise.all(users.map((u) => u.roles()));
    assert.deepEqual(sorted(adaRoles), ['admin', 'editor']);
    assert.deepEqual(names(graceRoles), ['editor']);
    assert.deepEqual(names(linusRoles), ['viewer']);
    assert.deepEqual(nobodyRoles, []);
    const adaEditor = adaRoles.find((r) => r.name === 'editor')!;
    assert.notEqual(adaEditor, graceRoles[0], 'one instance per pivot row: each has its own pivot');
    assert.equal(adaEditor.pivot.level, 5);
    assert.equal(graceRoles[0].pivot.level, 3);
    assert.deepEqual(sorted(await adaEditor.permissions()), ['edit', 'read']);
    assert.deepEqual(sorted(await graceRoles[0].permissions()), ['edit', 'read']);
    assert.deepEqual(names(await linusRoles[0].permissions()), ['read']);
    assert.equal(events.length, 0, 'everything came from the eager load');

    const json = JSON.parse(JSON.stringify(users[2]));
    assert.deepEqual(json, {
      id: linus.id,
      name: 'Linus',
      roles: [
        {
          id: viewer.id,
          name: 'viewer',
          pivot: { user_id: linus.id, role_id: viewer.id, level: 1, active: 0 },
          permissions: [{ id: read.id, name: 'read', pivot: { role_id: viewer.id, permission_id: read.id } }],
        },
      ],
    });
  });

  test('a relation query: constraints, first, count, exists, pluck; wherePivot and withPivotValue; loaded relations by signature', async () => {
    const onlyAdmin = await ada.roles().where('name', 'admin').get();
    assert.deepEqual(names(onlyAdmin), ['admin']);
    assert.equal(onlyAdmin[0].pivot.level, 9);
    const last = await ada.roles().orderByDesc('name').first();
    assert.equal(last?.name, 'editor');
    assert.equal(last?.pivot.level, 5);
    events = [];
    assert.equal(await ada.roles().count(), 2);
    assert.deepEqual(connections(), ['pivots', 'auth']);
    assert.equal(await ada.roles().where('name', 'viewer').exists(), false);
    assert.equal(await nobody.roles().exists(), false);
    assert.deepEqual((await ada.roles().orderBy('name').pluck('name')), ['admin', 'editor']);

    assert.deepEqual(names(await ada.adminRoles()), ['admin'], 'wherePivot level > 5');
    assert.deepEqual(sorted(await ada.activeRoles()), ['admin', 'editor']);
    assert.deepEqual(await linus.activeRoles(), [], 'withPivotValue filters: active = 1');
    assert.deepEqual(
      names(await User.with({ roles: (q) => q.where('name', 'editor') }).orderBy('id').get().then((us) => us[0].roles())),
      ['editor'],
    );

    const loaded = (await User.with('roles').where('id', ada.id).first())!;
    events = [];
    assert.equal((await loaded.roles()).length, 2);
    assert.equal(events.length, 0, 'with(roles) is what roles() gives');
    assert.deepEqual(names(await loaded.adminRoles()), ['admin']);
    assert.deepEqual(connections(), ['pivots', 'auth'], 'wherePivot makes another relation: it queries');
    const loadedAdmin = (await User.with('adminRoles').where('id', ada.id).first())!;
    events = [];
    assert.deepEqual(names(await loadedAdmin.adminRoles()), ['admin']);
    assert.equal(events.length, 0);
  });

  test('whereHas and whereDoesntHave: related keys, then pivot keys, then the parents', async () => {
    const editors = await User.whereHas('roles', (q) => q.where('name', 'editor')).orderBy('id').get();
    assert.deepEqual(names(editors), ['Ada', 'Grace']);
    assert.deepEqual(connections(), ['auth', 'pivots', 'db']);
    assert.ok(events.every((e) => !/join/i.test(e.sql)));
    assert.deepEqual(names(await User.whereDoesntHave('roles').get()), ['Nobody']);
    assert.deepEqual(names(await User.whereHas('roles.permissions', (q) => q.where('name', 'manage')).get()), ['Ada']);
    assert.deepEqual(names(await User.whereHas('adminRoles').get()), ['Ada'], 'wherePivot applies');
    assert.deepEqual(names(await Role.whereHas('users', (q) => q.where('name', 'Linus')).get()), ['viewer']);
    assert.deepEqual(names(await Role.whereDoesntHave('users').get()), ['unused']);
    assert.deepEqual(names(await User.whereHas('roles', (q) => q.where('name', 'unused')).get()), []);
  });

  test('withCount: pivot rows of the parents, then one grouped count of the related rows', async () => {
    const users = (await User.withCount('roles').orderBy('id').get()) as WithCounts[];
    assert.deepEqual(
      users.map((u) => u.roles_count),
      [2, 1, 1, 0],
    );
    assert.deepEqual(connections(), ['db', 'pivots', 'auth']);
    assert.match(events[2].sql, /group by/i);
    const admins = (await User.withCount({ 'roles as admin_roles': (q) => q.where('name', 'admin') }).orderBy('id').get()) as WithCounts[];
    assert.deepEqual(
      admins.map((u) => u.admin_roles),
      [1, 0, 0, 0],
    );
    const byPivot = (await User.withCount('adminRoles').orderBy('id').get()) as WithCounts[];
    assert.deepEqual(
      byPivot.map((u) => u.adminRoles_count),
      [1, 0, 0, 0],
    );
    const roles = (await Role.withCount('permissions', 'users').orderBy('id').get()) as (Role & Record<string, number>)[];
    assert.deepEqual(
      roles.map((r) => [r.name, r.permissions_count, r.users_count]),
      [
        ['admin', 2, 1],
        ['editor', 2, 2],
        ['viewer', 1, 1],
        ['unused', 0, 0],
      ],
    );
  });

  test(`1,200 parents: one query per hop per chunk of ${EAGER_LOAD_CHUNK_SIZE} keys`, async () => {
    const rows = Array.from({ length: 1200 }, (_, i) => ({ name: `bulk${i}` }));
    for (let i = 0; i < rows.length; i += 400) await DB.connection('db').table('users').insert(rows.slice(i, i + 400));
    const bulk = await DB.connection('db').select<{ id: number; name: string }>("SELECT id, name FROM users WHERE name LIKE 'bulk%'");
    const roleOf = (i: number) => [admin, editor, viewer][i % 3];
    const links = bulk.map((u) => ({ user_id: u.id, role_id: roleOf(Number(u.name.slice(4))).id, level: 1, active: 1 }));
    for (let i = 0; i < links.length; i += 400) await pivots.table('role_user').insert(links.slice(i, i + 400));

    events = [];
    const users = await User.where('name', 'like', 'bulk%').with('roles').withCount('roles').get();
    assert.equal(users.length, 1200);
    assert.deepEqual(connections(), ['db', 'pivots', 'pivots', 'auth', 'pivots', 'pivots', 'auth'], 'users; 2 pivot chunks, roles; 2 pivot chunks, count');
    assert.ok(events.every((e) => e.bindings.length <= EAGER_LOAD_CHUNK_SIZE + 1));
    for (const user of users) {
      const roles = await user.roles();
      assert.deepEqual(names(roles), [roleOf(Number(user.name.slice(4))).name]);
      assert.equal((user as WithCounts).roles_count, 1);
    }
    assert.equal(events.length, 7, 'matching sent nothing more');
    events = [];
    assert.equal(await User.whereHas('roles', (q) => q.where('name', 'viewer')).where('name', 'like', 'bulk%').count(), 400);
    assert.deepEqual(connections(), ['auth', 'pivots', 'db']);
  });

  test('attach, detach and updateExistingPivot write on the pivot connection only', async () => {
    await grace.roles().attach(admin.id, { level: 7 });
    assert.deepEqual(connections(), ['pivots']);
    assert.match(events[0].sql, /^insert into/i);
    assert.deepEqual(await levels(grace), { admin: 7, editor: 3 });

    events = [];
    await nobody.roles().attach([admin.id, editor], { level: 2 });
    await nobody.roles().attach({ [viewer.id]: { level: 4 }, [unused.id]: {} });
    assert.deepEqual(connections(), ['pivots', 'pivots', 'pivots', 'pivots', 'pivots'], 'one INSERT, then two shapes in one transaction');
    assert.deepEqual(await levels(nobody), { admin: 2, editor: 2, unused: null, viewer: 4 });
    const row = await pivots.selectOne<{ active: number }>('SELECT active FROM role_user WHERE user_id = ? AND role_id = ?', [nobody.id, unused.id]);
    assert.equal(Number(row?.active), 0, 'the column default');

    assert.equal(await nobody.roles().updateExistingPivot(unused.id, { level: 6 }), 1);
    assert.equal((await levels(nobody)).unused, 6);
    events = [];
    assert.equal(await nobody.roles().detach([]), 0);
    assert.equal(events.length, 0, 'nothing to detach: nothing sent');
    assert.equal(await nobody.roles().detach(viewer), 1);
    assert.equal(await nobody.roles().detach([admin.id, editor.id]), 2);
    assert.equal(await nobody.adminRoles().detach(), 1, 'detach() under wherePivot: the unused role at level 6');
    assert.deepEqual(await nobody.roles(), []);
    assert.equal(await grace.roles().detach(), 2);
    assert.equal(await Role.count(), 4, 'detaching deletes pivot rows, never related rows');
  });

  test('sync, syncWithoutDetaching and toggle report what they did', async () => {
    const synced = await ada.roles().sync([admin.id, viewer.id]);
    assert.deepEqual(synced, { attached: [viewer.id], detached: [editor.id], updated: [] });
    assert.deepEqual(
      events.map((e) => e.connection),
      events.map(() => 'pivots'),
    );
    assert.deepEqual(await levels(ada), { admin: 9, viewer: null }, 'admin kept its pivot attributes');

    const withAttributes = await ada.roles().sync({ [admin.id]: { level: 1 }, [editor.id]: { level: 2 } });
    assert.deepEqual(withAttributes, { attached: [editor.id], detached: [viewer.id], updated: [admin.id] });
    assert.deepEqual(await levels(ada), { admin: 1, editor: 2 });

    assert.deepEqual(await ada.roles().syncWithoutDetaching([viewer]), { attached: [viewer.id], detached: [], updated: [] });
    assert.deepEqual(await ada.roles().toggle([admin.id, unused.id]), { attached: [unused.id], detached: [admin.id] });
    assert.deepEqual(sorted(await ada.roles()), ['editor', 'unused', 'viewer']);
    assert.deepEqual((await ada.roles().sync([])).detached.sort(), [editor.id, unused.id, viewer.id].sort());
    assert.deepEqual(await ada.roles(), []);

    await linus.activeRoles().attach(admin.id);
    assert.deepEqual(names(await linus.activeRoles()), ['admin'], 'withPivotValue writes active = 1');
    assert.deepEqual(await linus.activeRoles().sync([]), { attached: [], detached: [admin.id], updated: [] });
    assert.deepEqual(names(await linus.roles()), ['viewer'], 'sync under withPivotValue leaves the inactive row');
  });

  test('sync is atomic on its own: a failed insert brings the detached rows back', async () => {
    await assert.rejects(ada.roles().sync({ [admin.id]: {}, [viewer.id]: { level: -1 } }), QueryError);
    assert.deepEqual(await levels(ada), { admin: 9, editor: 5 });
    assert.ok(events.some((e) => /^(BEGIN|START TRANSACTION)/i.test(e.sql)));
  });

  test("pivot writes join the flow's transaction on the pivot's connection", async () => {
    await assert.rejects(
      DB.transaction(['pivots'], async () => {
        await ada.roles().sync([viewer.id]);
        await grace.roles().attach(admin.id, { level: 1 });
        assert.deepEqual(names(await ada.roles()), ['viewer'], 'reads in the flow see its writes');
        throw new Error('changed my mind');
      }),
      /changed my mind/,
    );
    assert.deepEqual(await levels(ada), { admin: 9, editor: 5 });
    assert.deepEqual(await levels(grace), { editor: 3 });
    const begins = events.filter((e) => /^(BEGIN|START TRANSACTION|SAVEPOINT)/i.test(e.sql));
    assert.equal(begins.length, 1, 'sync inside a transaction opens no transaction of its own');
  });

  test('withTimestamps sets created_at and updated_at and reads them onto the pivot', async () => {
    await nobody.stampedRoles().attach(viewer.id);
    const [role] = await nobody.stampedRoles();
    assert.deepEqual(Object.keys(role.pivot).sort(), ['created_at', 'role_id', 'updated_at', 'user_id']);
    assert.notEqual(role.pivot.created_at, null);
    assert.notEqual(role.pivot.updated_at, null);
    const row = await pivots.selectOne<{ n: number }>('SELECT COUNT(*) AS n FROM role_user WHERE created_at IS NOT NULL AND updated_at IS NOT NULL');
    assert.equal(Number(row?.n), 1, 'only the row attached through withTimestamps has them');
  });

  test('bad input is a QueryError naming the connection and the method; nothing is sent', async () => {
    await assert.rejects(new User().roles().attach(admin.id), {
      name: 'QueryError',
      message: /^Connection \[pivots\]: attach\(\) needs the key "id" of the \[User\] it writes pivot rows for: save the model first\.$/,
    });
    await assert.rejects(ada.roles().attach(new Role()), /attach\(\) got a \[Role\] without its key "id": save it first/);
    await assert.rejects(ada.roles().sync([manage as unknown as Role]), /sync\(\) takes keys or \[Role\] models/);
    await assert.rejects(ada.roles().toggle([{} as unknown as number]), /toggle\(\) takes keys or \[Role\] models/);
    await assert.rejects(ada.roles().attach(admin.id, 'x' as never), /attach\(\) takes pivot attributes as an object/);
    await assert.rejects(ada.roles().sync({ [admin.id]: 5 as never }), /sync\(\) takes \{ key: pivot attributes \}/);
    assert.throws(() => ada.roles().using(3 as never), /using\(\) takes a connection name/);
    assert.equal(events.length, 0);
  });

  test('the cache keeps a loaded belongsToMany and its pivots; refresh and save leave the pivot alone', async () => {
    const key = `user-roles-${randomBytes(4).toString('hex')}`;
    const loaded = (await User.with('roles.permissions').where('id', ada.id).first())!;
    await cache().put(key, loaded, 60);
    const back = (await cache().get<User>(key))!;
    events = [];
    assert.ok(back instanceof User);
    const roles = await back.roles();
    assert.equal(events.length, 0, 'loaded relations came back with the model');
    assert.ok(roles.every((r) => r instanceof Role));
    assert.deepEqual(JSON.parse(JSON.stringify(back)), JSON.parse(JSON.stringify(loaded)));
    const adminRole = roles.find((r) => r.name === 'admin')!;
    assert.equal(adminRole.pivot.level, 9);
    assert.deepEqual(sorted(await adminRole.permissions()), ['edit', 'manage']);
    await cache().forget(key);

    await adminRole.refresh();
    assert.equal(adminRole.pivot.level, 9, 'refresh keeps the pivot');
    events = [];
    await adminRole.save();
    assert.equal(events.length, 0, 'the pivot is never a change to save');
    adminRole.name = 'root';
    await adminRole.save();
    assert.deepEqual(events[0].bindings.slice(0, 1), ['root']);
    assert.equal(events.length, 1);
  });
});
