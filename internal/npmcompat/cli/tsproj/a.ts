import { greet } from "./b";
const n: number = greet("x");
console.log(n);
