import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { type Connection, DB, DatabaseError, Model, type ModelHooks, type QueryEvent } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

/** What the hooks saw, in order: `hook:attribute` snapshots. */
let seen: string[] = [];
/** Per-test switches the hooks read. */
let cancel: Partial<Record<keyof ModelHooks, boolean>> = {};

class Post extends Model {
  static table = 'posts';
  static hooks: ModelHooks<Post> = {
    saving: (post) => {
      seen.push(`saving:${post.title}`);
      if (cancel.saving) return false;
    },
    creating: async (post) => {
      seen.push(`creating:${post.$isPersisted}`);
      post.slug ??= post.title.toLowerCase().replace(/\s+/g, '-');
      return cancel.creating ? false : undefined;
    },
    created: (post) => {
      seen.push(`created:${typeof post.id}`);
    },
    updating: async (post) => {
      seen.push(`updating:${post.getOriginal('title')}->${post.title}`);
      if (cancel.updating) return false;
    },
    updated: (post) => {
      seen.push(`updated:${post.wasChanged('title')}`);
    },
    saved: (post) => {
      seen.push(`saved:${post.isDirty()}`);
    },
    deleting: (post) => {
      seen.push(`deleting:${post.$isPersisted}`);
      return cancel.deleting ? Promise.resolve(false) : undefined;
    },
    deleted: (post) => {
      seen.push(`deleted:${post.$isPersisted}`);
    },
  };
  declare id: number;
  declare title: string;
  declare slug: string | null;
  declare views: number;
}

/** Inherits Post's hooks, and adds its own after them. */
class Article extends Post {
  static override hooks: ModelHooks<Article> = {
    creating: (article) => {
      seen.push(`article creating:${article.slug}`);
      article.title = `${article.title}!`;
    },
  };
}

/** Inherits Post's hooks without declaring any. */
class Note extends Post {}

class Audit extends Model {
  static table = 'audits';
  declare id: number;
  declare message: string;
}

class Audited extends Model {
  static table = 'posts';
  static hooks: ModelHooks<Audited> = {
    created: async (post) => {
      await Audit.create({ message: `created ${post.id}` });
    },
    updating: (post) => {
      if (post.title === 'boom') throw new Error('refused by hook');
    },
  };
  declare id: number;
  declare title: string;
}

/** Soft deletes: delete() is an UPDATE of deleted_at, restore() runs restoring, the save's hooks, restored. */
class Draft extends Model {
  static table = 'posts';
  static softDeletes = true;
  static hooks: ModelHooks<Draft> = {
    saving: () => void seen.push('saving'),
    updating: () => void seen.push('updating'),
    updated: () => void seen.push('updated'),
    saved: () => void seen.push('saved'),
    deleting: () => void seen.push('deleting'),
    deleted: (draft) => void seen.push(`deleted:${draft.trashed()}`),
    restoring: () => {
      seen.push('restoring');
      if (cancel.restoring) return false;
    },
    restored: (draft) => void seen.push(`restored:${draft.trashed()}`),
  };
  declare id: number;
  declare title: string;
}

class Misspelt extends Model {
  static table = 'posts';
  static hooks = { creatd: () => undefined } as ModelHooks;
  declare title: string;
}

describeEachEngine('model hooks', (engine) => {
  let database: ThrowawayDatabase;
  let db: Connection;
  let events: QueryEvent[] = [];
  let stop: () => void;
  const writes = () => events.filter((e) => !/^\s*select/i.test(e.sql)).length;

  before(async () => {
    database = await engine.createDatabase();
    await DB.configure({ default: 'db', connections: { db: database.options } });
    db = DB.connection('db');
    await db.statement(`CREATE TABLE posts (${autoIncrement(engine.driver)}, title VARCHAR(80), slug VARCHAR(80), views INT, deleted_at ${engine.driver === 'pgsql' ? 'TIMESTAMP' : 'DATETIME'} NULL)`);
    await db.statement(`CREATE TABLE audits (${autoIncrement(engine.driver)}, message VARCHAR(80))`);
    stop = DB.listen((event) => events.push(event));
  });

  beforeEach(async () => {
    await db.delete('DELETE FROM posts');
    await db.delete('DELETE FROM audits');
    seen = [];
    cancel = {};
    events = [];
  });

  after(async () => {
    stop();
    await DB.disconnect();
    await database.drop();
  });

  test('create runs saving, creating, the INSERT, created, saved; a creating hook sets what is written', async () => {
    const post = await Post.create({ title: 'Hello World' });
    assert.deepEqual(seen, ['saving:Hello World', 'creating:false', 'created:number', 'saved:true']);
    assert.ok(post.$isPersisted);
    assert.deepEqual(await db.select('SELECT title, slug FROM posts'), [{ title: 'Hello World', slug: 'hello-world' }]);
    assert.equal(post.isDirty(), false, 'clean once saved');
  });

  test('save of a change runs saving, updating, the UPDATE, updated, saved; a clean save only saving and saved', async () => {
    const post = await Post.create({ title: 'One' });
    seen = [];
    post.title = 'Two';
    await post.save();
    assert.deepEqual(seen, ['saving:Two', 'updating:One->Two', 'updated:true', 'saved:true']);
    assert.deepEqual(await db.select('SELECT title FROM posts'), [{ title: 'Two' }]);

    seen = [];
    events = [];
    await post.save();
    assert.deepEqual(seen, ['saving:Two', 'saved:false']);
    assert.equal(events.length, 0, 'nothing sent for a clean model');
  });

  test('a saving or creating hook returning false cancels the insert: nothing written, the model still new', async () => {
    cancel.saving = true;
    const first = await Post.create({ title: 'Nope' });
    assert.equal(first.$isPersisted, false);
    assert.equal(first.id, undefined);
    assert.deepEqual(seen, ['saving:Nope'], 'no hook after the cancelling one');

    cancel = { creating: true };
    seen = [];
    const second = new Post().fill({ title: 'Nope either' });
    assert.equal(await second.save(), second, 'save() still resolves the model');
    assert.equal(second.$isPersisted, false);
    assert.deepEqual(seen, ['saving:Nope either', 'creating:false']);
    const found = await Post.firstOrCreate({ title: 'Through firstOrCreate' });
    assert.equal(found.$isPersisted, false, 'firstOrCreate saves through save(): cancelled too');
    assert.equal(writes(), 0);
    assert.deepEqual(await db.select('SELECT * FROM posts'), []);
  });

  test('an updating hook returning false cancels the UPDATE: the row as it was, the model still dirty', async () => {
    const post = await Post.create({ title: 'Kept' });
    cancel.updating = true;
    events = [];
    seen = [];
    post.title = 'Lost';
    await post.save();
    assert.deepEqual(seen, ['saving:Lost', 'updating:Kept->Lost']);
    assert.equal(writes(), 0);
    assert.deepEqual(await db.select('SELECT title FROM posts'), [{ title: 'Kept' }]);
    assert.equal(post.isDirty('title'), true);
    assert.equal(post.wasChanged(), false);
  });

  test('delete runs deleting and deleted; a deleting hook returning false keeps the row', async () => {
    const post = await Post.create({ title: 'Doomed' });
    cancel.deleting = true;
    seen = [];
    assert.equal(await post.delete(), false);
    assert.deepEqual(seen, ['deleting:true']);
    assert.ok(post.$isPersisted);
    assert.equal(await Post.count(), 1);

    cancel = {};
    seen = [];
    assert.equal(await post.delete(), true);
    assert.deepEqual(seen, ['deleting:true', 'deleted:false']);
    assert.equal(await Post.count(), 0);
    seen = [];
    assert.equal(await post.delete(), false, 'a model not in the database deletes nothing');
    assert.deepEqual(seen, [], 'and runs no hooks');
  });

  test('an instance increment runs updating and updated (as in Eloquent); updating may cancel it', async () => {
    const post = await Post.create({ title: 'Counted', views: 0 });
    seen = [];
    assert.equal(await post.increment('views', 2), 1);
    assert.deepEqual(seen, ['updating:Counted->Counted', 'updated:false']);
    assert.equal(post.wasChanged('views'), true);
    assert.deepEqual(Object.keys(post.getChanges()), ['views']);

    cancel.updating = true;
    seen = [];
    events = [];
    assert.equal(await post.increment('views'), 0, 'cancelled: no row affected');
    assert.equal(writes(), 0);
    assert.equal(post.views, 2);
    assert.deepEqual(await db.select('SELECT views FROM posts'), [{ views: 2 }]);
  });

  test('soft deletes: delete() runs deleting/deleted; restore() runs restoring, the save\'s hooks, restored; restoring may cancel', async () => {
    const draft = await Draft.create({ title: 'Soft' });
    seen = [];
    assert.equal(await draft.delete(), true);
    assert.deepEqual(seen, ['deleting', 'deleted:true']);
    assert.equal(await Draft.count(), 0, 'left out of reads');

    cancel.restoring = true;
    seen = [];
    events = [];
    assert.equal(await draft.restore(), false);
    assert.deepEqual(seen, ['restoring']);
    assert.equal(writes(), 0);
    assert.equal(draft.trashed(), true);

    cancel = {};
    seen = [];
    assert.equal(await draft.restore(), true);
    assert.deepEqual(seen, ['restoring', 'saving', 'updating', 'updated', 'saved', 'restored:false']);
    assert.equal(await Draft.count(), 1);
    assert.equal(draft.wasChanged('deleted_at'), true);
  });

  test('subclasses run their parents\' hooks first, then their own', async () => {
    const article = await Article.create({ title: 'Inherited' });
    assert.ok(article instanceof Article && article.$isPersisted);
    assert.deepEqual(seen, ['saving:Inherited', 'creating:false', 'article creating:inherited', 'created:number', 'saved:true']);
    assert.deepEqual(await db.select('SELECT title, slug FROM posts'), [{ title: 'Inherited!', slug: 'inherited' }]);

    seen = [];
    cancel.creating = true;
    await Article.create({ title: 'Stopped' });
    assert.deepEqual(seen, ['saving:Stopped', 'creating:false'], "the parent's false stops the child's hook");

    cancel = {};
    seen = [];
    await Note.create({ title: 'Plain' });
    assert.deepEqual(seen, ['saving:Plain', 'creating:false', 'created:number', 'saved:true']);
    assert.equal(await Post.count(), 2);
  });

  test("hooks run inside the flow's transaction: their writes commit or roll back with the model's", async () => {
    await assert.rejects(
      db.transaction(async () => {
        await Audited.create({ title: 'rolled back' });
        assert.equal(await Audit.count(), 1, 'the hook wrote in the transaction');
        throw new Error('abort');
      }),
      /abort/,
    );
    assert.equal(await Audited.count(), 0);
    assert.equal(await Audit.count(), 0, "the hook's write rolled back with the model's");

    const kept = await db.transaction(() => Audited.create({ title: 'kept' }));
    assert.deepEqual(await db.select('SELECT message FROM audits'), [{ message: `created ${kept.id}` }]);

    // A hook that throws fails the save, and the transaction with it.
    await assert.rejects(
      db.transaction(async () => {
        await Audited.create({ title: 'second' });
        kept.title = 'boom';
        await kept.save();
      }),
      /refused by hook/,
    );
    assert.deepEqual((await db.select('SELECT title FROM posts ORDER BY id')).map((r) => r.title), ['kept']);
    assert.equal(await Audit.count(), 1);
  });

  test('a misspelt hook name is refused with a DatabaseError naming the model and the hook; nothing is written', async () => {
    await assert.rejects(Misspelt.create({ title: 'x' }), (error: unknown) => {
      assert.ok(error instanceof DatabaseError);
      assert.match(error.message, /Misspelt.*"creatd".*save/);
      assert.equal(error.connection, 'db');
      return true;
    });
    assert.equal(await Post.count(), 0);
  });
});
