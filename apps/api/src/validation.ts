import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const formats = addFormatsModule as unknown as { default?: (ajv: Ajv) => Ajv };
const addFormats = formats.default ?? (addFormatsModule as unknown as (ajv: Ajv) => Ajv);

/**
 * Fastify's default Ajv silently strips unknown fields and coerces "0.1" into 0.1. A sweep
 * spec must be exact, so bodies get a strict validator (unknown fields and wrong types are
 * errors); only query strings and path params, which are text by nature, are coerced.
 */
function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true, ...options });
  addFormats(ajv);
  return ajv;
}

export function schemaCompiler(): FastifySchemaCompiler<unknown> {
  const strict = makeAjv({ coerceTypes: false, removeAdditional: false });
  const coercing = makeAjv({ coerceTypes: true, removeAdditional: false });
  return ({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema as object);
}
