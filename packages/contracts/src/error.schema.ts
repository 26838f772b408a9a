import { Type, type Static } from '@sinclair/typebox';

/** Every error body the API sends: a stable code, one readable line, and the bad fields by JSON pointer. */
export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    issues: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  }),
});

export type ErrorBody = Static<typeof ErrorBody>;
export type Issue = { path: string; message: string };
