import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { cache, type Connection, DB, DatabaseError, Model } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

class User extends Model {
  static table = 'users';
  static hidden = ['password'];
  static appends = ['full_name'];
  declare id: number;
  declare first_name: string;
  declare last_name: string;
  declare password: string;
  get full_name(): string {
    return `${this.first_name} ${this.last_name}`;
  }
  posts() {
    return this.hasMany(Post, 'user_id', 'id');
  }
  roles() {
    return this.belongsToMany(Role, 'role_user', 'user_id', 'role_id').withPivot('level');
  }
}

/** The same rows, shown with only what a public listing may show. */
class PublicUser extends User {
  static visible = ['id', 'full_name', 'posts_count', 'posts'];
}

class Post extends Model {
  static table = 'posts';
  static visible = ['id', 'title', 'author'];
  declare id: number;
  declare user_id: number;
  declare title: string;
  declare body: string;
  author() {
    return this.belongsTo(User, 'user_id', 'id');
  }
}

class Role extends Model {
  static table = 'roles';
  static hidden = ['pivot'];
  declare id: number;
  declare name: string;
}

class Broken extends Model {
  static table = 'users';
  static appends = ['nickname'];
}

describeEachEngine('model serialisation: hidden, visible, appends', (engine) => {
  let database: ThrowawayDatabase;
  let db: Connection;
  let ada: User;

  before(async () => {
    database = await engine.createDatabase();
    await DB.configure({ default: 'db', connections: { db: database.options } });
    db = DB.connection('db');
    await db.statement(
      `CREATE TABLE users (${autoIncrement(engine.driver)}, first_name VARCHAR(50), last_name VARCHAR(50), password VARCHAR(80))`,
    );
    await db.statement(`CREATE TABLE posts (${autoIncrement(engine.driver)}, user_id INT, title VARCHAR(80), body VARCHAR(200))`);
    await db.statement(`CREATE TABLE roles (${autoIncrement(engine.driver)}, name VARCHAR(50))`);
    await db.statement('CREATE TABLE role_user (user_id INT, role_id INT, level INT)');
    ada = await User.create({ first_name: 'Ada', last_name: 'Lovelace', password: 'secret' });
    await User.create({ first_name: 'Grace', last_name: 'Hopper', password: 'hunter2' });
    await Post.create({ user_id: ada.id, title: 'Notes', body: 'On the engine' });
    await Post.create({ user_id: ada.id, title: 'Sketch', body: 'Loops' });
    const admin = await Role.create({ name: 'admin' });
    await db.insert('INSERT INTO role_user (user_id, role_id, level) VALUES (?, ?, ?)', [ada.id, admin.id, 9]);
  });

  after(async () => {
    await DB.disconnect();
    await database.drop();
  });

  test('hidden attributes are left out, appended getters added; the model keeps both', async () => {
    const user = (await User.find(ada.id))!;
    assert.deepEqual(user.toJSON(), { id: ada.id, first_name: 'Ada', last_name: 'Lovelace', full_name: 'Ada Lovelace' });
    assert.deepEqual(JSON.parse(JSON.stringify(user)), user.toJSON(), 'JSON.stringify goes through toJSON');
    assert.equal(user.password, 'secret', 'hidden from toJSON only');
    user.first_name = 'Augusta';
    await user.save();
    assert.deepEqual(await db.selectOne('SELECT first_name, password FROM users WHERE id = ?', [ada.id]), {
      first_name: 'Augusta',
      password: 'secret',
    });
    assert.equal(user.toJSON().full_name, 'Augusta Lovelace', 'appends read the getter each time');
    user.first_name = 'Ada';
    await user.save();
  });

  test('loaded relations follow their own class: visible on posts, hidden and appends on their author', async () => {
    const posts = await Post.with('author').orderBy('id').get();
    assert.deepEqual(
      posts.map((p) => p.toJSON()),
      [
        { id: posts[0].id, title: 'Notes', author: { id: ada.id, first_name: 'Ada', last_name: 'Lovelace', full_name: 'Ada Lovelace' } },
        { id: posts[1].id, title: 'Sketch', author: { id: ada.id, first_name: 'Ada', last_name: 'Lovelace', full_name: 'Ada Lovelace' } },
      ],
    );
    const user = (await User.with('posts').find(ada.id))!;
    const json = user.toJSON();
    assert.deepEqual(
      json.posts,
      posts.map((p) => ({ id: p.id, title: p.title })),
      'a relation not loaded is not shown (author of each post)',
    );
    assert.equal('password' in json, false);
  });

  test('visible applies to withCount counts, appends and relations by name', async () => {
    const users = await PublicUser.withCount('posts').with('posts').orderBy('id').get();
    assert.deepEqual(users[0].toJSON(), {
      id: ada.id,
      posts_count: 2,
      full_name: 'Ada Lovelace',
      posts: users[0].toJSON().posts,
    });
    assert.equal((users[0].toJSON().posts as unknown[]).length, 2);
    assert.deepEqual(users[1].toJSON(), { id: users[1].id, posts_count: 0, full_name: 'Grace Hopper', posts: [] });

    const counted = await User.withCount('posts').where('id', ada.id).first();
    assert.equal(counted!.toJSON().posts_count, 2, 'a count is an attribute');
    assert.equal('posts_count' in counted!.makeHidden('posts_count').toJSON(), false, 'and hidden like one');
  });

  test('the pivot is hidden by its name; makeVisible/makeHidden/append change one instance only', async () => {
    const user = (await User.with('roles').find(ada.id))!;
    const [role] = await user.roles();
    assert.deepEqual(role.toJSON(), { id: role.id, name: 'admin' });
    assert.equal(Number(role.pivot!.level), 9);
    role.makeVisible('pivot');
    const pivot = role.toJSON().pivot as Record<string, unknown>;
    assert.equal(Number(pivot.level), 9);
    assert.equal(Number(pivot.user_id), ada.id);

    user.makeVisible('password').makeHidden('roles', 'last_name');
    assert.deepEqual(user.toJSON(), { id: ada.id, first_name: 'Ada', password: 'secret', full_name: 'Ada Lovelace' });
    const other = (await User.find(ada.id))!;
    assert.equal('password' in other.toJSON(), false, "another instance keeps the class's rules");

    const plain = (await Role.find(role.id))!.append('shout');
    assert.throws(() => plain.toJSON(), /Role.*appends \[shout\].*get shout\(\)/);

    const shown = (await PublicUser.find(ada.id))!.makeVisible('first_name');
    assert.deepEqual(shown.toJSON(), { id: ada.id, first_name: 'Ada', full_name: 'Ada Lovelace' }, 'makeVisible adds to visible');
  });

  test('an appended name without a getter is a DatabaseError naming the model; the cache keeps hidden attributes', async () => {
    const broken = (await Broken.first())!;
    assert.throws(
      () => broken.toJSON(),
      (error: unknown) => error instanceof DatabaseError && /Broken.*nickname/.test(error.message),
    );

    const key = `serialised_${randomBytes(4).toString('hex')}`;
    await cache().remember(key, 60, () => User.find(ada.id));
    const cached = (await cache().get<User>(key))!;
    assert.ok(cached instanceof User);
    assert.equal(cached.password, 'secret', 'the cache stores the attributes, not toJSON()');
    assert.equal('password' in cached.toJSON(), false);
    await cache().forget(key);
  });
});
