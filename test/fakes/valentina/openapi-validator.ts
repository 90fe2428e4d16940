import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020Module from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

/** The shared contract document; override with VALENTINA_OPENAPI_PATH. */
export const DEFAULT_OPENAPI_PATH = process.env['VALENTINA_OPENAPI_PATH']
  ?? fileURLToPath(new URL('../../../docs/valentina-api/valentina-v1.openapi.json', import.meta.url));

/** The v2 (July 2026) contract document. */
export const V2_OPENAPI_PATH = fileURLToPath(new URL('../../../docs/valentina-api/v2/valentina-v2.openapi.json', import.meta.url));

const DOC_ID = 'https://fake-valentina.invalid/openapi.json';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function resolvePointer(doc: Json, pointer: string): unknown {
  let node: unknown = doc;
  for (const raw of pointer.replace(/^#\//, '').split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

let cachedDocument: Json | undefined;

/**
 * The document's xp/remove 400 is `oneOf: [ProblemDetails, NotEnoughXPProblem]`, but every
 * NotEnoughXPProblem also satisfies the open ProblemDetails, so `oneOf` rejects exactly the body the
 * contract describes. Inline response schemas under `paths` are therefore read with `anyOf`
 * semantics; component schemas (whose `oneOf` branches are disjoint) are left as written.
 */
function relaxInlineOneOf(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(relaxInlineOneOf);
  if (!isObject(node)) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) out[key === 'oneOf' ? 'anyOf' : key] = relaxInlineOneOf(value);
  return out;
}

/** Reads (once per process) the OpenAPI document. */
export function loadOpenApiDocument(path: string = DEFAULT_OPENAPI_PATH): Json {
  if (path === DEFAULT_OPENAPI_PATH && cachedDocument) return cachedDocument;
  const doc: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!isObject(doc)) throw new Error(`OpenAPI document at ${path} is not an object`);
  if (path === DEFAULT_OPENAPI_PATH) cachedDocument = doc;
  return doc;
}

/**
 * Checks responses against the OpenAPI document's response definitions with ajv (JSON Schema
 * 2020-12). Each schema is compiled lazily, once, so validating tens of thousands of responses is cheap.
 */
export class OpenApiValidator {
  private readonly ajv: InstanceType<typeof Ajv2020>;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly document: Json = loadOpenApiDocument()) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    this.ajv.addFormat('binary', true);
    this.ajv.addSchema({ ...document, paths: relaxInlineOneOf(document['paths']), $id: DOC_ID });
  }

  /** Validates a value against `#/components/schemas/<name>`; returns an error text or null. */
  validateSchema(name: string, value: unknown): string | null {
    return this.run(`#/components/schemas/${escapePointer(name)}`, value);
  }

  /**
   * Validates one response of the operation `method pathTemplate` (template as written in the
   * document, e.g. `/api/v1/companies/{company_id}`). `body` undefined means an empty body.
   * Returns a description of the mismatch, or null when the response fits.
   */
  validateResponse(method: string, pathTemplate: string, status: number, contentType: string | undefined, body: unknown): string | null {
    const m = method.toLowerCase();
    const basePointer = `#/paths/${escapePointer(pathTemplate)}/${m}`;
    const operation = resolvePointer(this.document, basePointer);
    if (!isObject(operation)) return `no operation ${method.toUpperCase()} ${pathTemplate} in the document`;
    const responses = operation['responses'];
    if (!isObject(responses)) return `operation ${method.toUpperCase()} ${pathTemplate} has no responses`;
    let pointer = `${basePointer}/responses/${status}`;
    let response = responses[String(status)];
    if (response === undefined) return `status ${status} is not documented for ${method.toUpperCase()} ${pathTemplate}`;
    if (isObject(response) && typeof response['$ref'] === 'string') {
      pointer = response['$ref'];
      response = resolvePointer(this.document, pointer);
    }
    if (!isObject(response)) return `unresolvable response ${pointer}`;
    const content = response['content'];
    if (!isObject(content) || Object.keys(content).length === 0) {
      // 204 must be empty; the deny route documents no content but renders JSON null.
      if (body === undefined || (status !== 204 && body === null)) return null;
      return `status ${status} documents no body but one was sent`;
    }
    const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const media = content[mediaType];
    if (!isObject(media)) {
      return `content type '${mediaType}' not documented for ${status} (expected ${Object.keys(content).join(', ')})`;
    }
    if (body === undefined) return `status ${status} requires a ${mediaType} body but none was sent`;
    const schema = media['schema'];
    if (!isObject(schema)) return null;
    const schemaPointer = typeof schema['$ref'] === 'string' && Object.keys(schema).length === 1
      ? schema['$ref']
      : `${pointer}/content/${escapePointer(mediaType)}/schema`;
    const error = this.run(schemaPointer, body);
    return error === null ? null : `${status} ${mediaType}: ${error}`;
  }

  private run(pointer: string, value: unknown): string | null {
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${DOC_ID}${pointer}` });
      this.compiled.set(pointer, validate);
    }
    if (validate(value)) return null;
    return this.ajv.errorsText(validate.errors?.slice(0, 5), { dataVar: 'body' });
  }
}
