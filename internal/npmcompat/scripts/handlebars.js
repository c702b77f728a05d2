// handlebars: templates compiled to JavaScript functions, helpers, partials.
const Handlebars = require('handlebars');
Handlebars.registerHelper('upper', (s) => String(s).toUpperCase());
Handlebars.registerPartial('item', '<li>{{upper name}}{{#if price}} ({{price}}){{/if}}</li>');
const tpl = Handlebars.compile(`<h1>{{title}}</h1>
<ul>{{#each items}}
  {{> item}}{{else}}none{{/each}}
</ul>
{{{raw}}} {{escaped}} {{#with author}}{{first}} {{last}}{{/with}}
{{#unless hidden}}shown{{/unless}} {{lookup map key}}`);
console.log(tpl({
  title: 'Shop & Co', items: [{ name: 'apple', price: 1.5 }, { name: 'pear' }],
  raw: '<b>bold</b>', escaped: '<i>"x"</i>', author: { first: 'Ada', last: 'Lovelace' },
  hidden: false, map: { k: 'looked up' }, key: 'k',
}));
console.log(Handlebars.precompile('{{a}}').length > 100);
try { Handlebars.compile('{{#if}}')(); } catch (e) { console.log(e.message.split('\n')[0]); }
