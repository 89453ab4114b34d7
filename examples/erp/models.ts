/**
 * The ERP's models. Each names its connection; relations cross databases
 * (orders on `db`, users on `essentials`, products on `inventory`).
 */
import { Model } from './so-database.js';

/** Shared resources: users and departments live in the essentials database. */
export class Department extends Model {
  static table = 'departments';
  static connection = 'essentials';
  declare id: number;
  declare name: string;
}

export class User extends Model {
  static table = 'auser';
  static connection = 'essentials';
  static primaryKey = 'uid';
  static fillable = ['name', 'email', 'password', 'empid', 'designation', 'department_id', 'ustatusid'];
  declare uid: number;
  declare name: string;
  declare email: string;
  declare designation: string;
  declare department_id: number;
  declare ustatusid: number;
  declare orders_count?: number;
  department() {
    return this.belongsTo(Department, 'department_id');
  }
  orders() {
    return this.hasMany(() => Order, 'user_id', 'uid');
  }
}

/** The product catalogue is its own service database. */
export class Product extends Model {
  static table = 'products';
  static connection = 'inventory';
  static casts = { price: 'number' } as const;
  declare id: number;
  declare sku: string;
  declare name: string;
  declare price: number;
}

/** The application's own data: orders, their items, and customers migrated from the legacy system. */
export class Order extends Model {
  static table = 'orders';
  static connection = 'db';
  static fillable = ['user_id', 'order_number', 'total', 'status'];
  static timestamps = true;
  static casts = { total: 'number' } as const;
  declare id: number;
  declare user_id: number;
  declare order_number: string;
  declare total: number;
  declare status: string;
  declare created_at: Date;
  user() {
    return this.belongsTo(User, 'user_id', 'uid');
  }
  items() {
    return this.hasMany(() => OrderItem, 'order_id');
  }
}

export class OrderItem extends Model {
  static table = 'order_items';
  static connection = 'db';
  static casts = { price: 'number' } as const;
  declare id: number;
  declare order_id: number;
  declare product_id: number;
  declare quantity: number;
  declare price: number;
  product() {
    return this.belongsTo(Product, 'product_id');
  }
}

export class Customer extends Model {
  static table = 'customers';
  static connection = 'db';
  static fillable = ['legacy_id', 'name', 'email', 'phone', 'migrated_at'];
  declare id: number;
  declare legacy_id: number;
  declare name: string;
  declare email: string;
}

/** The old system's customers, on the read-only `legacy` connection. */
export class LegacyCustomer extends Model {
  static table = 'customers';
  static connection = 'legacy';
  static primaryKey = 'customer_id';
  declare customer_id: number;
  declare name: string;
  declare email: string;
  declare phone: string;
}
