const a = {b:1};
function  foo ( x ) { return x+1 }
console.log( foo(a.b) )
