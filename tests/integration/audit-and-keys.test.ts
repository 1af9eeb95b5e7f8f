import { spawn } from 'node:child_process';
import path from 'node:path';
import { QueryTypes } from 'sequelize';
import { AuditEvent } from '../../src/models';
import { verifyAudit } from '../../src/services/audit-service';
import { api } from '../support/contract';
import {
  bearer,
  idemKey,
  startPaymentsHarness,
  type PaymentsHarness,
} from '../support/payments-harness';

const ROOT = path.resolve(__dirname, '../..');

/** Runs `npm run cli -- <args>` as a user would (tsx), on the run's database. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'src/cli/index.ts', ...args],
      { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent' } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('audit trail and API keys', () => {
  let h: PaymentsHarness;
  beforeAll(async () => {
    h = await startPaymentsHarness();
  });
  afterAll(() => h.close());

  const app = () => api(h.ctx.built.app);

  test('When a payment and a refund are made, then the ops key reads both in GET /v1/audit', async () => {
    const paid = await app()
      .post('/v1/payments')
      .set('Authorization', bearer(h.keys.storefront))
      .set('Idempotency-Key', idemKey())
      .set('X-Request-Id', 'audit-trace-1')
      .send({ amount: 2000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true })
      .expect(201);
    await app()
      .post(`/v1/payments/${paid.body.id}/refunds`)
      .set('Authorization', bearer(h.keys.storefront))
      .set('Idempotency-Key', 'refund-audit-1')
      .send({ amount: 500 })
      .expect(201);

    const created = await app()
      .get(`/v1/audit?target_id=${paid.body.id}`)
      .set('Authorization', bearer(h.keys.ops))
      .expect(200);
    expect(created.body.data[0]).toMatchObject({
      action: 'payment.create',
      outcome: 'succeeded',
      request_id: 'audit-trace-1',
      after: { status: 'succeeded', amount: 2000 },
    });
    const refunds = await app()
      .get('/v1/audit?action=refund.create&limit=100')
      .set('Authorization', bearer(h.keys.ops))
      .expect(200);
    expect(refunds.body.data.map((e: { idempotency_key: string }) => e.idempotency_key)).toContain(
      'refund-audit-1',
    );
    await app().get('/v1/audit').set('Authorization', bearer(h.keys.storefront)).expect(403);
  });

  test('When an audit row is edited or deleted, then verification names it; restored, it passes', async () => {
    expect((await verifyAudit()).ok).toBe(true);
    const row = await AuditEvent.findOne({
      where: { action: 'payment.create' },
      order: [['id', 'DESC']],
    });
    const id = Number(row!.id);

    await h.ctx.sequelize.query(`UPDATE audit_events SET outcome = 'failed' WHERE id = :id`, {
      replacements: { id },
    });
    const edited = await verifyAudit();
    expect(edited.ok).toBe(false);
    expect(edited.problems).toContainEqual({ id, problem: 'hash_mismatch' });
    const viaCli = await cli(['audit', 'verify']);
    expect(viaCli.code).toBe(1);
    expect(viaCli.stdout).toContain(`row ${id}: hash mismatch`);
    await h.ctx.sequelize.query(`UPDATE audit_events SET outcome = :o WHERE id = :id`, {
      replacements: { id, o: row!.outcome },
    });

    const [saved] = await h.ctx.sequelize.query<Record<string, unknown>>(
      'SELECT * FROM audit_events WHERE id = :id',
      { type: QueryTypes.SELECT, replacements: { id } },
    );
    const next = await AuditEvent.findOne({ where: { prevHash: row!.hash } });
    await h.ctx.sequelize.query('DELETE FROM audit_events WHERE id = :id', {
      replacements: { id },
    });
    const deleted = await verifyAudit();
    if (next)
      expect(deleted.problems).toContainEqual({ id: Number(next.id), problem: 'broken_link' });
    await AuditEvent.create({
      id,
      occurredAt: saved!.occurred_at,
      actor: saved!.actor,
      ownerId: saved!.owner_id,
      action: saved!.action,
      targetType: saved!.target_type,
      targetId: saved!.target_id,
      outcome: saved!.outcome,
      requestId: saved!.request_id,
      idempotencyKey: saved!.idempotency_key,
      before: saved!.before,
      after: saved!.after,
      prevHash: saved!.prev_hash,
      hash: saved!.hash,
    });
    expect((await verifyAudit()).ok).toBe(true);
    const clean = await cli(['audit', 'verify']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/Audit trail intact: \d+ rows verified/);
  }, 60_000);

  test('When keys are created, rotated and revoked with the CLI, then only the live key works', async () => {
    const created = await cli([
      'keys',
      'create',
      '--name',
      'cli-shop',
      '--scopes',
      'payments:read',
    ]);
    expect(created.code).toBe(0);
    const lines = created.stdout.trim().split('\n');
    const key = lines[lines.length - 1]!;
    expect(key).toMatch(/^psk_[A-Za-z0-9]{44}$/);
    await app().get('/v1/payments').set('Authorization', bearer(key)).expect(200);
    await app()
      .post('/v1/payments')
      .set('Authorization', bearer(key))
      .set('Idempotency-Key', idemKey())
      .send({ amount: 1000, currency: 'usd' })
      .expect(403);

    const id = /Created (key_\w+)/.exec(created.stdout)![1]!;
    const listed = await cli(['keys', 'list']);
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).not.toContain(key);

    const rotated = await cli(['keys', 'rotate', id]);
    expect(rotated.code).toBe(0);
    const newKey = rotated.stdout.trim().split('\n').pop()!;
    await app().get('/v1/payments').set('Authorization', bearer(key)).expect(401);
    await app().get('/v1/payments').set('Authorization', bearer(newKey)).expect(200);

    const newId = /created (key_\w+)/.exec(rotated.stdout)![1]!;
    expect((await cli(['keys', 'revoke', newId])).code).toBe(0);
    await app().get('/v1/payments').set('Authorization', bearer(newKey)).expect(401);
    const again = await cli(['keys', 'revoke', newId]);
    expect(again.code).toBe(1);

    const bad = await cli(['keys', 'create', '--name', 'x', '--scopes', 'payments:everything']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Unknown scope');

    const trail = await AuditEvent.findAll({
      where: { targetId: [id, newId] },
      order: [['id', 'ASC']],
    });
    expect(trail.map((e) => e.action)).toEqual([
      'api_key.create',
      'api_key.create',
      'api_key.revoke',
      'api_key.revoke',
    ]);
  }, 120_000);
});
