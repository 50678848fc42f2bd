/** TypeBox schema of `/health`. */
import { type Static, Type } from '@sinclair/typebox';

const Check = Type.Object({ ok: Type.Boolean(), latencyMs: Type.Number(), error: Type.Optional(Type.Union([Type.Literal('unreachable'), Type.Literal('timeout')])) });
export const HealthAnswer = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  down: Type.Array(Type.String()),
  checks: Type.Object({ neo4j: Check, redis: Check }),
});
export type HealthAnswer = Static<typeof HealthAnswer>;
