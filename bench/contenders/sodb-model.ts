/**
 * Our models: `User.find(id)`, `Order.where(...).limit(100).get()`, `Order.query().limit(100).with('user')`,
 * `Member.query().limit(100).with('groups')` (a belongsToMany: pivot on main, groups on other).
 */
import * as ours from '../../src/index.js';
import type { Contender, ContenderFactory } from '../contender.js';
import { configureSodb, type Library } from './sodb-setup.js';

/** The bench's models on `lib`'s Model, contender id `<prefix>-model`. */
export function modelsOf(lib: Library, prefix: string): ContenderFactory {
  const { DB, Model } = lib;

  class User extends Model {
    static table = 'users';
    static connection = 'main';
    declare id: number;
    declare name: string;
    declare email: string;
    declare status: string;
    declare score: number;
  }

  /** The same users, in the other database: W5's relation crosses connections. */
  class Customer extends Model {
    static table = 'users';
    static connection = 'other';
    declare id: number;
    declare email: string;
  }

  class Order extends Model {
    static table = 'orders';
    static connection = 'main';
    declare id: number;
    declare user_id: number;
    declare status: string;
    declare total: number;
    user() {
      return this.belongsTo(Customer, 'user_id', 'id');
    }
  }

  /** W10: groups live in the other database; the pivot group_user in the main one, with the users. */
  class Group extends Model {
    static table = 'groups';
    static connection = 'other';
    declare id: number;
    declare name: string;
  }

  class Member extends Model {
    static table = 'users';
    static connection = 'main';
    declare id: number;
    groups() {
      return this.belongsToMany(Group, 'group_user', 'user_id', 'group_id').withPivot('role');
    }
  }

  class NewOrder extends Model {
    static table = 'new_orders';
    static connection = 'main';
    static fillable = ['user_id', 'order_number', 'total', 'status'];
    declare id: number;
  }

  /** Users on the read/write split connection (W7). */
  class SplitUser extends Model {
    static table = 'users';
    static connection = 'split';
    declare id: number;
  }

  return async ({ target, inputs, poolSize }) => {
    await configureSodb(lib, target, poolSize);
    const main = DB.connection('main');
    const find = (i: number) => User.find(inputs.id(i));
    const model: Contender = {
      id: `${prefix}-model`,
      ops: {
        W1: find,
        W2: find,
        W3: (i) => Order.where('status', inputs.status(i)).limit(100).get(),
        W4: (i) => NewOrder.create(inputs.newOrder(i)),
        W5: () => Order.query().limit(100).with('user').get(),
        W6: (i) =>
          main.transaction(async () => {
            await NewOrder.create(inputs.newOrder(i));
            await User.where('id', inputs.id(i)).update({ score: inputs.score(i) });
          }),
        W7: (i) => SplitUser.find(inputs.id(i)),
        W10: () => Member.query().limit(100).with('groups').get(),
        W11: () => User.all(),
      },
      userOf: (order) => (order as Order).toJSON().user,
      groupsOf: (user) => (user as Member).toJSON().groups,
      close: () => DB.disconnect(),
    };
    return [model];
  };
}

export const sodbModel = modelsOf(ours, 'sodb');
