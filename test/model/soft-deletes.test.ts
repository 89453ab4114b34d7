import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { type Connection, DB, Model, type ModelHooks, type QueryEvent, QueryError } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';
import { columnTypes } from './column-types.js';

const cancelled = new Set<number>();

/** Posts on 'blog', soft-deleted, with timestamps. */
class Post extends Model {
  static table = 'posts';
  static connection = 'blog';
  static softDeletes = true;
  static timestamps = true;
  static hooks: ModelHooks<Post> = { deleting: (post) => !cancelled.has(post.id) };
  declare id: number;
  declare author_id: number;
  declare title: string;
  declare deleted_at: Date | null;
  declare updated_at: Date;
  comments() {
    return this.hasMany(Comment, 'post_id');
  }
}

class Comment extends Model {
  static table = 'comments';
  static connection = 'blog';
  declare id: number;
  declare post_id: number;
  declare body: string;
}

/** Authors on the default connection (another database): every relation to posts crosses connections. */
class Author extends Model {
  static table = 'authors';
  declare id: number;
  declare name: string;
  posts() {
    return this.hasMany(Post, 'author_id');
  }
  comments() {
    return this.hasManyThrough(Comment, Post, 'author_id', 'post_id');
  }
}

describeEachEngine('soft deletes', (engine) => {
  let main: ThrowawayDatabase;
  let blog: ThrowawayDatabase;
  let blogDb: Connection;
  let events: QueryEvent[] = [];
  let stop: () => void;
  const past = new Date('2001-02-03T04:05:06Z');

  const titles = (posts: readonly Post[]) => posts.map((p) => p.title);
  const stored = async () =>
    (await blogDb.select('SELECT title, deleted_at FROM posts ORDER BY id')).map((r) => [r.title, r.deleted_at !== null]);

  before(async () => {
    main = await engine.createDatabase();
    blog = await engine.createDatabase();
    await DB.configure({ default: 'main', connections: { main: main.options, blog: blog.options } });
    blogDb = DB.connection('blog');
    const t = columnTypes(engine.driver);
    await blogDb.statement(
      `CREATE TABLE posts (${autoIncrement(engine.driver)}, author_id INT, title VARCHAR(40), created_at ${t.datetime} NULL, updated_at ${t.datetime} NULL, deleted_at ${t.datetime} NULL)`,
    );
    await blogDb.statement(`CREATE TABLE comments (${autoIncrement(engine.driver)}, post_id INT, body VARCHAR(40))`);
    await DB.connection('main').statement(`CREATE TABLE authors (${autoIncrement(engine.driver)}, name VARCHAR(20))`);
    for (const name of ['Ada', 'Bob']) await DB.connection('main').insert('INSERT INTO authors (name) VALUES (?)', [name]);
    stop = DB.listen((event) => events.push(event));
  });

  beforeEach(async () => {
    cancelled.clear();
    await blogDb.delete('DELETE FROM posts');
    await blogDb.delete('DELETE FROM comments');
    // Ada: p1, p2 (trashed long ago); Bob: p3.
    for (const [id, author, title, deleted] of [[1, 1, 'p1', null], [2, 1, 'p2', past], [3, 2, 'p3', null]] as const) {
      await blogDb.insert('INSERT INTO posts (id, author_id, title, updated_at, deleted_at) VALUES (?, ?, ?, ?, ?)', [id, author, title, past, deleted]);
    }
    for (const [post, body] of [[1, 'c1'], [2, 'c2'], [3, 'c3']] as const) {
      await blogDb.insert('INSERT INTO comments (post_id, body) VALUES (?, ?)', [post, body]);
    }
    events = [];
  });

  after(async () => {
    stop();
    await DB.disconnect();
    await main.drop();
    await blog.drop();
  });

  test('reads leave trashed rows out; withTrashed and onlyTrashed bring them back', async () => {
    assert.deepEqual(titles(await Post.query().orderBy('id').get()), ['p1', 'p3']);
    assert.equal(await Post.find(2), null);
    assert.equal(await Post.count(), 2);
    assert.deepEqual(titles(await Post.withTrashed().orderBy('id').get()), ['p1', 'p2', 'p3']);
    assert.deepEqual(titles(await Post.onlyTrashed().get()), ['p2']);
    assert.equal((await Post.withTrashed().find(2))?.title, 'p2');
    assert.equal(await Post.query().withoutGlobalScope('softDeletes').count(), 3);
    // The query's OR is grouped: the trashed p2 stays out.
    assert.deepEqual(titles(await Post.where('title', 'p2').orWhere('title', 'p1').get()), ['p1']);
  });

  test('delete() sets deleted_at (and updated_at) by key; the model stays persisted, trashed and clean', async () => {
    const p1 = (await Post.find(1))!;
    assert.equal(p1.trashed(), false);
    events = [];
    assert.equal(await p1.delete(), true);
    assert.equal(events.length, 1);
    assert.match(events[0].sql, /^update/i);
    assert.equal(p1.trashed(), true);
    assert.ok(p1.deleted_at instanceof Date);
    assert.ok(p1.updated_at.getTime() > past.getTime());
    assert.equal(p1.$isPersisted, true);
    assert.deepEqual(p1.$dirty, {});
    assert.deepEqual(await stored(), [['p1', true], ['p2', true], ['p3', false]]);
    assert.ok((await Post.onlyTrashed().find(1))?.deleted_at instanceof Date, 'read back as a date');
  });

  test('a deleting hook that returns false cancels the soft delete too', async () => {
    cancelled.add(3);
    const p3 = (await Post.find(3))!;
    assert.equal(await p3.delete(), false);
    assert.equal(p3.trashed(), false);
    assert.deepEqual(await stored(), [['p1', false], ['p2', true], ['p3', false]]);
  });

  test('restore() on an instance and on a query; forceDelete() removes the row', async () => {
    const p2 = (await Post.onlyTrashed().first())!;
    assert.equal(await p2.restore(), true);
    assert.equal(p2.trashed(), false);
    assert.deepEqual(await stored(), [['p1', false], ['p2', false], ['p3', false]]);

    await Post.query().whereIn('id', [1, 2]).delete();
    assert.equal(await Post.onlyTrashed().where('title', 'p1').restore(), 1);
    assert.deepEqual(await stored(), [['p1', false], ['p2', true], ['p3', false]]);

    const p1 = (await Post.find(1))!;
    assert.equal(await p1.forceDelete(), true);
    assert.equal(p1.$isPersisted, false);
    assert.deepEqual(await stored(), [['p2', true], ['p3', false]]);
  });

  test('query delete soft-deletes matching live rows only; query forceDelete removes trashed ones too', async () => {
    const before = (await blogDb.selectOne('SELECT deleted_at FROM posts WHERE id = 2'))!.deleted_at;
    assert.equal(await Post.query().where('author_id', 1).delete(), 1, 'p2 was already trashed');
    const after = (await blogDb.selectOne('SELECT deleted_at FROM posts WHERE id = 2'))!.deleted_at;
    assert.equal(String(after), String(before), 'a trashed row keeps its deleted_at');
    assert.deepEqual(await stored(), [['p1', true], ['p2', true], ['p3', false]]);
    assert.equal(await Post.query().where('author_id', 1).forceDelete(), 2);
    assert.deepEqual(await stored(), [['p3', false]]);
  });

  test('relations, eager loads, whereHas, withCount and through relations leave trashed rows out, across connections', async () => {
    const [ada, bob] = await Author.orderBy('id').get();
    assert.deepEqual(titles(await ada.posts()), ['p1']);
    const loaded = await Author.with('posts').orderBy('id').get();
    assert.deepEqual(loaded.map((a) => titles((a.toJSON().posts ?? []) as Post[])), [['p1'], ['p3']]);
    const counted = await Author.withCount('posts').orderBy('id').get();
    assert.deepEqual(counted.map((a) => (a as unknown as { posts_count: number }).posts_count), [1, 1]);
    await (await Post.find(3))!.delete();
    assert.deepEqual(await Author.whereHas('posts').pluck('name'), ['Ada']);
    assert.deepEqual(await Author.whereDoesntHave('posts').pluck('name'), ['Bob']);
    // Through a trashed post, its comments are out too (Eloquent does the same).
    assert.deepEqual((await ada.comments()).map((c) => c.body), ['c1']);
    assert.deepEqual((await bob.comments()).map((c) => c.body), []);
    const withTrashed = await Author.withCount({ posts: (q) => q.withTrashed() }).orderBy('id').get();
    assert.deepEqual(withTrashed.map((a) => (a as unknown as { posts_count: number }).posts_count), [2, 1]);
  });

  test('soft-delete methods on a model without soft deletes are QueryErrors naming connection and method', async () => {
    assert.throws(() => Author.onlyTrashed(), (error: unknown) => {
      assert.ok(error instanceof QueryError);
      assert.match(error.message, /\[main\].*onlyTrashed\(\).*soft deletes/);
      return true;
    });
    await assert.rejects(Author.query().restore(), /\[main\].*restore\(\).*soft deletes/);
    const ada = (await Author.find(1))!;
    await assert.rejects(ada.restore(), /restore\(\).*soft deletes/);
    assert.equal(ada.trashed(), false);
    assert.equal(await Author.withTrashed().count(), 2, 'withTrashed is harmless without soft deletes');
  });
});
