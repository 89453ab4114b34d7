import assert from 'node:assert/strict';
import { test } from 'node:test';
import { questionToDollar } from '../../../src/dialect/postgres/question-to-dollar.js';

test('numbers ? placeholders in order', () => {
  assert.equal(questionToDollar('SELECT * FROM t WHERE a = ? AND b = ?'), 'SELECT * FROM t WHERE a = $1 AND b = $2');
});

test('leaves ? inside literals, identifiers, comments and dollar quotes alone', () => {
  const sql = `SELECT '?', 'it''s ?', E'\\'?', "col?", $$ ? $$, $x$ ? $x$ -- ?\n/* ? /* ? */ ? */ FROM t WHERE a = ?`;
  assert.equal(
    questionToDollar(sql),
    `SELECT '?', 'it''s ?', E'\\'?', "col?", $$ ? $$, $x$ ? $x$ -- ?\n/* ? /* ? */ ? */ FROM t WHERE a = $1`,
  );
});

test('?? is a literal ? (jsonb operators) and $1-style text passes through', () => {
  assert.equal(questionToDollar(`SELECT data ?? 'k' FROM t WHERE id = ?`), `SELECT data ? 'k' FROM t WHERE id = $1`);
  assert.equal(questionToDollar('SELECT a$b, ? FROM t'), 'SELECT a$b, $1 FROM t');
});
