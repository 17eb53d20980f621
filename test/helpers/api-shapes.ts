/**
 * Checks a value against an AWS API model shape tree (botocore's structure/list/map/string/... shapes, as
 * extracted into test/fixtures/asff/ by scripts/build-asff-shapes.mjs): required members, unknown members,
 * enums, patterns, and the documented length and item limits. Returns every problem with its JSON path.
 */
interface Shape {
  type: string;
  required?: string[];
  members?: Record<string, { shape: string; maxLength?: number; maxItems?: number }>;
  member?: string;
  key?: string;
  value?: string;
  enum?: string[];
  pattern?: string;
  min?: number;
  max?: number;
}

export interface ShapeModel {
  root: string;
  shapes: Record<string, Shape>;
}

export function validateShape(model: ShapeModel, value: unknown, shapeName = model.root, path = '$', limits: { maxLength?: number; maxItems?: number } = {}): string[] {
  const shape = model.shapes[shapeName];
  if (!shape) return [`${path}: no shape ${shapeName} in the model`];
  const problems: string[] = [];
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: expected an object (${shapeName})`];
      const record = value as Record<string, unknown>;
      for (const r of shape.required ?? []) if (record[r] === undefined) problems.push(`${path}.${r}: required by ${shapeName}`);
      for (const [k, v] of Object.entries(record)) {
        const member = shape.members?.[k];
        if (!member) problems.push(`${path}.${k}: not a member of ${shapeName}`);
        else problems.push(...validateShape(model, v, member.shape, `${path}.${k}`, member));
      }
      return problems;
    }
    case 'list':
      if (!Array.isArray(value)) return [`${path}: expected a list (${shapeName})`];
      if (limits.maxItems !== undefined && value.length > limits.maxItems) problems.push(`${path}: ${value.length} items, at most ${limits.maxItems}`);
      value.forEach((v, i) => problems.push(...validateShape(model, v, shape.member ?? '', `${path}[${i}]`)));
      return problems;
    case 'map':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: expected a map (${shapeName})`];
      for (const [k, v] of Object.entries(value)) {
        problems.push(...validateShape(model, k, shape.key ?? '', `${path}{key ${k}}`), ...validateShape(model, v, shape.value ?? '', `${path}.${k}`));
      }
      return problems;
    case 'string': {
      if (typeof value !== 'string') return [`${path}: expected a string (${shapeName})`];
      if (shape.enum && !shape.enum.includes(value)) problems.push(`${path}: "${value}" not one of ${shape.enum.join(', ')}`);
      if (shape.pattern && !new RegExp(`^(?:${shape.pattern})$`, 's').test(value)) problems.push(`${path}: does not match ${shape.pattern}`);
      if (shape.min !== undefined && value.length < shape.min) problems.push(`${path}: shorter than ${shape.min}`);
      const max = limits.maxLength ?? shape.max;
      if (max !== undefined && value.length > max) problems.push(`${path}: ${value.length} characters, at most ${max}`);
      return problems;
    }
    case 'integer':
    case 'long':
      return Number.isInteger(value) ? [] : [`${path}: expected an integer`];
    case 'double':
    case 'float':
      return typeof value === 'number' ? [] : [`${path}: expected a number`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected a boolean`];
    default:
      return [`${path}: shape type ${shape.type} not handled`];
  }
}
