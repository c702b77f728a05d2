// The WHATWG URL and URLSearchParams classes.
const cases = [
  ['http://x.com/a/b/'], ['HTTP://User:P%40ss@EXAMPLE.com:80/a/./b/../c?q=a b#f g'], ['https://x.com:443'],
  ['https://x.com:8443/p?'], ['four', 'http://h/one/two/three'], ['../c?x=1', 'http://e.com/a/b'],
  ['//other.org/p', 'https://e.com/x'], ['/abs', 'http://e.com/a/b?q#f'], ['?new', 'http://e.com/a/b?q#f'],
  ['#frag', 'http://e.com/a/b?q#f'], ['', 'http://e.com/a/b?q#f'], ['http:rel', 'http://e.com/a/b'],
  ['file:///tmp/a%20b/c.txt'], ['file://localhost/etc/hosts'], ['file:///C:/dir/x'], ['mailto:someone@example.com'],
  ['data:text/plain,hello world'], ['javascript:alert(1)'], ['urn:isbn:0451450523'], ['git+ssh://git@github.com/a/b.git'],
  ['http://[::1]:3000/x'], ['http://[2001:DB8:0:0:0:0:0:1]/'], ['http://0x7f.1/'], ['http://192.168.0.257/'],
  ['http://a.com/%7Efoo/ü/€?ü=€#ü'], ['http://a.com/a\\b\\c'], ['  http://trim.com/  '], ['http://a.com/x/%2e%2E/y'],
  ['https://xn--nxasmq6b.com/'], ['https://ñandú.com/'], ['ws://h/s'], ['blob:https://a.com/uuid'],
  ['non-spec://h/p/../q'], ['non-spec:/p/./q'], ['http://a.com:99999/'], ['http://'], ['http://a b.com/'], ['nope'], ['/rel'],
];
for (const [input, base] of cases) {
  try {
    const u = base === undefined ? new URL(input) : new URL(input, base);
    console.log(JSON.stringify([input, base, u.href, u.origin, u.protocol, u.username, u.password, u.host, u.hostname, u.port, u.pathname, u.search, u.hash]));
  } catch (e) {
    console.log(JSON.stringify([input, base, e.name, e.code, e.message, e.input]));
  }
}
const u = new URL('https://example.com/a?b=1&c=x+y%20z');
console.log(u);
console.log(u.searchParams.get('c'), [...u.searchParams], u.searchParams.size);
u.searchParams.append('d', 'é&=');
u.searchParams.set('b', '2');
u.searchParams.delete('c');
console.log(u.href, u.search);
u.search = '?z=9';
console.log(u.searchParams.get('z'), u.searchParams.has('b'));
u.pathname = '/new path/';
u.hash = 'top';
u.port = '8080';
u.hostname = 'EXAMPLE.org';
u.protocol = 'http';
u.username = 'me';
console.log(u.href, String(u), JSON.stringify({ u }));
u.href = 'http://reset.com/';
console.log(u.href, u.searchParams.toString());
const p = new URLSearchParams({ b: '2', a: '1', c: 'x y' });
p.append('a', '0');
p.sort();
console.log(p.toString(), p.getAll('a'), p.get('missing'), new URLSearchParams([['x', '1'], ['y', '2']]).toString(), new URLSearchParams('?a=1&&b=&c').toString());
console.log(p, new URLSearchParams(), [...p.keys()], [...p.values()]);
p.forEach((v, k) => console.log('forEach', k, v));
console.log(URL.canParse('http://x'), URL.canParse('x'), URL.canParse('x', 'http://y'));
try { new URL(); } catch (e) { console.log(e.code, e.message); }
try { new URL('x', 'bad base'); } catch (e) { console.log(e.code, e.message, e.input, e.base); }
