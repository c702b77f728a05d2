// ajv: JSON Schema validation (ajv compiles schemas to functions).
const Ajv = require('ajv');
const ajv = new Ajv({ allErrors: true });
const schema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 2 },
    age: { type: 'integer', minimum: 0 },
    tags: { type: 'array', items: { type: 'string' }, uniqueItems: true },
    email: { type: 'string', pattern: '^[^@]+@[^@]+$' },
  },
  required: ['name', 'age'],
  additionalProperties: false,
};
const validate = ajv.compile(schema);
console.log(validate({ name: 'Ada', age: 36, tags: ['x', 'y'], email: 'a@b' }), validate.errors);
console.log(validate({ name: 'A', age: -1, tags: ['x', 'x'], extra: 1 }));
console.log(validate.errors.map((e) => `${e.instancePath} ${e.keyword} ${e.message}`));
console.log(ajv.errorsText(validate.errors));
const v2 = ajv.compile({ oneOf: [{ type: 'number' }, { type: 'string', enum: ['a', 'b'] }] });
console.log([1, 'a', 'c', null].map((x) => v2(x)));
