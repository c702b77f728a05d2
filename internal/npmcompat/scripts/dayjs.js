// dayjs: dates with plugins (in UTC so the output does not depend on the zone).
const dayjs = require('dayjs');
const utc = require('dayjs/plugin/utc');
const relativeTime = require('dayjs/plugin/relativeTime');
const customParseFormat = require('dayjs/plugin/customParseFormat');
dayjs.extend(utc);
dayjs.extend(relativeTime);
dayjs.extend(customParseFormat);
const d = dayjs.utc('2024-02-29T13:45:30.123Z');
console.log(d.format(), d.format('YYYY-MM-DD HH:mm:ss.SSS dddd MMMM Do [week]'));
console.log(d.add(1, 'year').format('YYYY-MM-DD'), d.subtract(3, 'months').startOf('month').toISOString());
console.log(d.diff(dayjs.utc('2000-01-01'), 'day'), d.isBefore(dayjs.utc('2025-01-01')), d.daysInMonth());
console.log(dayjs.utc('2024-01-01').from(dayjs.utc('2024-03-15')), dayjs.utc('2024-01-01').to(dayjs.utc('2021-01-01')));
console.log(dayjs.utc('12-25-1995', 'MM-DD-YYYY').format('YYYY/MM/DD'), dayjs('not a date').isValid());
console.log(d.toJSON(), d.unix(), d.valueOf(), d.day(), d.toDate());
