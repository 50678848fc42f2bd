/** TypeBox schemas of `/api/watches` (精准推送). */
import { type Static, Type } from '@sinclair/typebox';
import { Eid, ListOf } from './common.ts';

export const Watch = Type.Object({
  id: Type.String(),
  eid: Type.String({ description: 'the eid the entity had when it was watched' }),
  currentEid: Type.String({ description: 'the eid the entity has now: `eid`, or after a merge its survivor’s (the watch follows it; an undone merge brings `eid` back)' }),
  unitCode: Type.String(),
  createdBy: Type.String(),
  purposeJson: Type.String(),
  createdAt: Type.String(),
  active: Type.Boolean(),
});
export type Watch = Static<typeof Watch>;
export const WatchList = ListOf(Watch);
export const WatchBody = Type.Object({ eid: Eid }, { additionalProperties: false });
export const WatchParams = Type.Object({ id: Type.String({ pattern: '^W-[0-9a-f-]{36}$' }) });
export const WatchEnded = Type.Object({ id: Type.String(), active: Type.Boolean() });
/** The stream opens with a single-use ticket from `POST /api/watches/stream-ticket` (never a token in the URL). */
export const WatchStreamQuery = Type.Object({ ticket: Type.String({ maxLength: 200 }) });
/** One server-sent event's data: `event: trace|relation`, `data: {type, eid, at, source, rid}`. */
export const WatchEvent = Type.Object({ type: Type.String(), eid: Type.String(), at: Type.String(), source: Type.String(), rid: Type.String() });
export type WatchEvent = Static<typeof WatchEvent>;
