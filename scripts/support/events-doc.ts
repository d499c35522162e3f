/**
 * docs/events.md, written from the schemas of shared/events (through zod's JSON Schema) so the
 * document cannot drift from what producers send and consumers accept.
 */
import * as z from 'zod';
import { eventTopicKeys, eventTopics, type TopicEventsDefinition } from '../../shared/events';
import { domainEventSchema } from '../../shared/events/envelope';
import { topicName } from '../../shared/infra';

type JsonSchema = z.core.JSONSchema.JSONSchema;

interface FieldRow {
  path: string;
  type: string;
  required: boolean;
  description: string;
}

const isSchema = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Bounds as a reader wants them: `1–50`, `≥ 0`; the safe-integer limits zod adds are left out. */
function bounds(min: number | undefined, max: number | undefined): string {
  const low = min !== undefined && min > Number.MIN_SAFE_INTEGER ? min : undefined;
  const high = max !== undefined && max < Number.MAX_SAFE_INTEGER ? max : undefined;
  if (low !== undefined && high !== undefined) return low === high ? `${low}` : `${low}–${high}`;
  if (low !== undefined) return `≥ ${low}`;
  if (high !== undefined) return `≤ ${high}`;
  return '';
}

const withBounds = (name: string, range: string, unit = '') =>
  range === '' ? name : `${name} (${range}${unit})`;

function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return `one of ${schema.enum.map((value) => JSON.stringify(value)).join(', ')}`;
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return alternatives.map(typeOf).join(' or ');
  if (Array.isArray(schema.type)) return schema.type.join(' or ');
  switch (schema.type) {
    case 'string':
      if (schema.format) return `${schema.format} string`;
      return withBounds(
        schema.pattern ? `string matching \`${schema.pattern}\`` : 'string',
        bounds(schema.minLength, schema.maxLength),
        ' chars',
      );
    case 'integer':
    case 'number': {
      // zod writes positive() as an exclusive minimum of 0.
      const above = typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : undefined;
      const min = schema.minimum ?? (above !== undefined && schema.type === 'integer' ? above + 1 : above);
      return withBounds(schema.type, bounds(min, schema.maximum));
    }
    case 'array': {
      const items = isSchema(schema.items) ? schema.items : {};
      const of = items.type === 'object' ? 'objects' : typeOf(items);
      return withBounds(`array of ${of}`, bounds(schema.minItems, schema.maxItems), ' items');
    }
    default:
      return schema.type ?? 'any';
  }
}

/** One row per field, nested objects (and objects in arrays) flattened under their field's path. */
function rowsOf(schema: JsonSchema, prefix = ''): FieldRow[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).flatMap(([name, property]) => {
    if (!isSchema(property)) return [];
    const path = `${prefix}${name}`;
    const row = {
      path,
      type: typeOf(property),
      required: required.has(name),
      description: property.description ?? '',
    };
    if (property.type === 'object') return [row, ...rowsOf(property, `${path}.`)];
    if (property.type === 'array' && isSchema(property.items) && property.items.type === 'object') {
      return [row, ...rowsOf(property.items, `${path}[].`)];
    }
    return [row];
  });
}

// A `|` would end a table cell.
const cell = (text: string) => text.replaceAll('|', '\\|');

// Columns padded to their widest cell, as the formatter lays tables out.
function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) =>
    Math.max(3, [...title].length, ...rows.map((row) => [...(row[column] ?? '')].length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((text, column) => text + ' '.repeat((widths[column] ?? 0) - [...text].length)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}

function fieldTable(rows: readonly FieldRow[]): string[] {
  return table(
    ['field', 'type', 'required', 'description'],
    rows.map((row) => [
      `\`${row.path}\``,
      cell(row.type),
      row.required ? 'yes' : 'no',
      cell(row.description),
    ]),
  );
}

const sameRow = (a: FieldRow, b: FieldRow) => JSON.stringify(a) === JSON.stringify(b);

/** A topic's section: the fields all its events share once, then what each type and version adds. */
function topicSection(topic: TopicEventsDefinition): string[] {
  const schemas = Object.entries(topic.types).flatMap(([type, definition]) =>
    Object.entries(definition.versions).map(([version, schema]) => ({
      heading: `### ${type} (version ${version})`,
      description: definition.description,
      rows: rowsOf(z.toJSONSchema(schema)),
    })),
  );
  const [first, ...others] = schemas;
  const shared =
    first && others.length > 0
      ? first.rows.filter((row) =>
          others.every((other) => other.rows.some((candidate) => sameRow(candidate, row))),
        )
      : [];
  const lines =
    shared.length > 0 ? ['', 'Every event of this topic has these fields:', '', ...fieldTable(shared)] : [];
  for (const schema of schemas) {
    const own = schema.rows.filter((row) => !shared.some((common) => sameRow(common, row)));
    lines.push('', schema.heading, '', schema.description);
    if (own.length > 0) lines.push('', shared.length > 0 ? 'Also:' : 'Fields:', '', ...fieldTable(own));
  }
  return lines;
}

/** The whole document. */
export function eventsDoc(): string {
  const lines = [
    '# Domain events',
    '',
    '<!-- Written by `npm run docs:events` from shared/events; edit the schemas, not this file. -->',
    '',
    'Every record on an event topic is one JSON event: the envelope below, whose `data` has the',
    'schema of its `type` and `schemaVersion` on that topic. Producers refuse an event the schemas',
    'do not accept (`publishEvents`, the outbox); consumers built on `domainEventConsumer` set such a',
    'record aside on the on-failure topic with the reason and go on (see',
    '[kafka-triggers.md](kafka-triggers.md)).',
    '',
    'Data objects are strict: a field that is not listed is refused. A change of the data is a new',
    'schema version, added to the schemas (and to the consumers) before any producer sends it.',
    '',
    '## Envelope',
    '',
    ...fieldTable(rowsOf(z.toJSONSchema(domainEventSchema))),
  ];
  for (const key of eventTopicKeys) {
    const topic = eventTopics[key];
    lines.push('', `## ${key}: \`${topicName(key)}\``, '', topic.description, '');
    lines.push(`Record key: ${topic.key}. Source: \`${topic.source}\`.`, ...topicSection(topic));
  }
  return `${lines.join('\n')}\n`;
}
