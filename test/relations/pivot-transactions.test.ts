/**
 * Pivot writes inside DB.transaction([...]): atomic with the other participants'
 * writes (two-phase commit), on MariaDB, PostgreSQL (a private server with prepared
 * transactions) and with the pivot on SQLite as the last resource.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { DB, Model, type QueryEvent } from '../../src/index.js';
import { autoIncrement } from '../support/engines.js';
import {
  createParticipants,
  leftPrepared,
  type Mix,
  type Participant,
  skipReason,
  stopServers,
  uniquePrefix,
} from '../transaction/fixtures/two-phase-setups.js';

after(stopServers);

/** Where the pivot lives in the current suite (users are on `a`, roles on `b`). */
let pivotConnection = 'b';

class User extends Model {
  static table = 'users';
  static connection = 'a';
  declare id: number;
  declare name: string;
  roles() {
    return this.belongsToMany(Role, 'role_user', 'user_id', 'role_id').using(pivotConnection).withPivot('level');
  }
}

class Role extends Model {
  static table = 'roles';
  static connection = 'b';
  declare id: number;
  declare name: string;
}

const MIXES: readonly (Mix & { pivot: string })[] = [
  { title: 'MariaDB + MariaDB, the pivot with the roles', kinds: ['mariadb', 'mariadb'], pivot: 'b' },
  { title: 'PostgreSQL + PostgreSQL, the pivot with the roles', kinds: ['postgres', 'postgres'], pivot: 'b' },
  { title: 'MariaDB + PostgreSQL + SQLite, the pivot on SQLite', kinds: ['mariadb', 'postgres', 'sqlite'], pivot: 'c' },
];

const DRIVER = { mariadb: 'mysql', postgres: 'pgsql', sqlite: 'sqlite' } as const;

for (const mix of MIXES) {
  describe(`pivot writes in DB.transaction([...]): ${mix.title}`, { skip: skipReason(mix) }, () => {
    const prefix = uniquePrefix();
    let participants: Participant[];
    let admin: Role;
    let editor: Role;
    let ada: User;
    const users = () => User.orderBy('id').pluck<string>('name');
    const roleNames = async (user: User) => (await user.roles().orderBy('name').get()).map((r) => `${r.name}:${r.pivot.level}`);

    before(async () => {
      participants = await createParticipants(mix);
      await DB.configure({
        connections: Object.fromEntries(participants.map((p) => [p.name, p.options])),
        transactions: { prefix },
      });
      const kind = (name: string) => DRIVER[participants.find((p) => p.name === name)!.kind];
      await DB.connection('a').statement(`CREATE TABLE users (${autoIncrement(kind('a'))}, name VARCHAR(50))`);
      await DB.connection('b').statement(`CREATE TABLE roles (${autoIncrement(kind('b'))}, name VARCHAR(50))`);
      await DB.connection(mix.pivot).statement('CREATE TABLE role_user (user_id INT NOT NULL, role_id INT NOT NULL, level INT, PRIMARY KEY (user_id, role_id))');
    });

    beforeEach(async () => {
      pivotConnection = mix.pivot;
      await DB.connection('a').delete('DELETE FROM users');
      await DB.connection('b').delete('DELETE FROM roles');
      await DB.connection(mix.pivot).delete('DELETE FROM role_user');
      admin = await Role.create({ name: 'admin' });
      editor = await Role.create({ name: 'editor' });
      ada = await User.create({ name: 'Ada' });
      await ada.roles().attach(editor.id, { level: 1 });
    });

    after(async () => {
      await DB.disconnect();
      await Promise.all((participants ?? []).map((p) => p.drop()));
    });

    test('a throw rolls back the pivot writes with the other writes', async () => {
      await assert.rejects(
        DB.transaction(['a', mix.pivot], async () => {
          const grace = await User.create({ name: 'Grace' });
          await grace.roles().attach([admin.id, editor.id], { level: 2 });
          await ada.roles().sync({ [admin.id]: { level: 3 } });
          throw new Error('changed my mind');
        }),
        /changed my mind/,
      );
      assert.deepEqual(await users(), ['Ada']);
      assert.deepEqual(await roleNames(ada), ['editor:1']);
      assert.equal(await DB.connection(mix.pivot).table('role_user').count(), 1);
      assert.deepEqual(await leftPrepared(participants, prefix), []);
    });

    test('a commit keeps them all; sync inside opens no transaction of its own', async () => {
      const events: QueryEvent[] = [];
      const stop = DB.listen((e) => events.push(e));
      let grace: User;
      try {
        grace = await DB.transaction(['a', mix.pivot], async () => {
          const created = await User.create({ name: 'Grace' });
          await created.roles().attach(admin.id, { level: 2 });
          await ada.roles().sync({ [admin.id]: { level: 3 } });
          return created;
        });
      } finally {
        stop();
      }
      assert.deepEqual(await users(), ['Ada', 'Grace']);
      assert.deepEqual(await roleNames(grace), ['admin:2']);
      assert.deepEqual(await roleNames(ada), ['admin:3']);
      const onPivot = events.filter((e) => e.connection === mix.pivot).map((e) => e.sql);
      assert.equal(onPivot.filter((sql) => /^(BEGIN|START TRANSACTION|XA START|SAVEPOINT)/i.test(sql)).length, 1, onPivot.join('\n'));
      assert.deepEqual(await leftPrepared(participants, prefix), []);
    });
  });
}
