const u = new URL('https://a.b/c?d=1#e')
console.log(u.href, u.host, u.search, String(u), JSON.stringify(u), u instanceof URL, Object.getPrototypeOf(u) === URL.prototype, URL.prototype.constructor === URL)
u.pathname = '/x'; console.log(u.href, Object.keys(URL.prototype).length > 5)
const d = Object.getOwnPropertyDescriptor(URL.prototype, 'href'); console.log(typeof d.get, typeof d.set, d.enumerable, d.configurable, d.get.name)
const p = new URLSearchParams('a=1&b=2'); p.append('c', 3); console.log(p.toString(), [...p.keys()], p.size)
try { Object.getOwnPropertyDescriptor(URL.prototype, 'href').get.call({}) } catch (e) { console.log(e.name, e.code) }
class V extends URL {}; console.log(new V('http://x/').href)
