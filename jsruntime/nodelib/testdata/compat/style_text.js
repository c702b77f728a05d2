const u = require('util');
console.log(JSON.stringify(u.styleText('red', 'x')), JSON.stringify(u.styleText(['bold', 'red'], 'x')), u.inspect.colors.grey, Object.keys(u.inspect.colors).length, u.inspect.styles.null);
try { u.styleText('nope', 'x'); } catch (e) { console.log(e.code, e.message.slice(0, 60)); }
