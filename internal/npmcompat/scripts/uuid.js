// uuid: name-based (deterministic) and random UUIDs, parsing and validation.
const uuid = require('uuid');
console.log(uuid.v5('hello', uuid.v5.DNS), uuid.v5('intact', '1b671a64-40d5-491e-99b0-da01ff1f3341'));
console.log(uuid.v3('hello', uuid.v3.URL), uuid.NIL, uuid.validate(uuid.v4()), uuid.version(uuid.v4()));
console.log(uuid.parse('6ba7b810-9dad-11d1-80b4-00c04fd430c8'), uuid.stringify(uuid.parse(uuid.NIL)));
const v1 = uuid.v1({ node: [1, 2, 3, 4, 5, 6], clockseq: 0x1234, msecs: new Date('2011-11-01').getTime(), nsecs: 5678 });
console.log(v1, uuid.validate('not-a-uuid'), new Set(Array.from({ length: 20 }, () => uuid.v4())).size);
