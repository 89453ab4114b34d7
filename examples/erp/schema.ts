/** The demo's tables, written per engine (a real application would use `so-db migrate`). */
import type { ConnectionName } from './databases.js';
import type { DriverName } from './so-database.js';

function types(driver: DriverName) {
  return {
    id: (column = 'id') =>
      driver === 'mysql'
        ? `${column} INT AUTO_INCREMENT PRIMARY KEY`
        : driver === 'pgsql'
          ? `${column} SERIAL PRIMARY KEY`
          : `${column} INTEGER PRIMARY KEY AUTOINCREMENT`,
    money: driver === 'sqlite' ? 'NUMERIC' : 'DECIMAL(10,2)',
    time: driver === 'pgsql' ? 'TIMESTAMP' : driver === 'mysql' ? 'DATETIME' : 'TEXT',
  };
}

/** CREATE TABLE statements for one connection. */
export function tablesFor(connection: ConnectionName, driver: DriverName): string[] {
  const t = types(driver);
  switch (connection) {
    case 'essentials':
      return [
        `CREATE TABLE departments (${t.id()}, name VARCHAR(60) NOT NULL)`,
        `CREATE TABLE auser (${t.id('uid')}, name VARCHAR(80) NOT NULL, email VARCHAR(120), password VARCHAR(100),
          empid VARCHAR(20), designation VARCHAR(60), department_id INT, ustatusid INT NOT NULL DEFAULT 1)`,
      ];
    case 'inventory':
      return [`CREATE TABLE products (${t.id()}, sku VARCHAR(20) NOT NULL, name VARCHAR(80) NOT NULL, price ${t.money} NOT NULL)`];
    case 'db':
      return [
        `CREATE TABLE orders (${t.id()}, user_id INT NOT NULL, order_number VARCHAR(20) NOT NULL, total ${t.money} NOT NULL,
          status VARCHAR(20) NOT NULL, created_at ${t.time} NULL, updated_at ${t.time} NULL)`,
        `CREATE TABLE order_items (${t.id()}, order_id INT NOT NULL, product_id INT NOT NULL, quantity INT NOT NULL, price ${t.money} NOT NULL)`,
        `CREATE TABLE customers (${t.id()}, legacy_id INT NOT NULL UNIQUE, name VARCHAR(100) NOT NULL, email VARCHAR(120),
          phone VARCHAR(40), migrated_at ${t.time} NULL)`,
      ];
    case 'legacy':
      // On MySQL/MariaDB the table takes the database's latin1; PostgreSQL's database is LATIN1-encoded.
      return [`CREATE TABLE customers (${t.id('customer_id')}, name VARCHAR(100) NOT NULL, email VARCHAR(120), phone VARCHAR(40))`];
  }
}
