/** Our models: `User.find(id)`, `Order.where(...).limit(100).get()`, `Order.query().limit(100).with('user')`. */
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
      },
      userOf: (order) => (order as Order).toJSON().user,
      close: () => DB.disconnect(),
    };
    return [model];
  };
}

export const sodbModel = modelsOf(ours, 'sodb');
