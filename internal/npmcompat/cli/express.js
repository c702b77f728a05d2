// Requires the Express named on the command line and sets up an app's
// routing, without serving (intact run has no network access).
const express = require(process.argv[2]);
const app = express();
const router = express.Router();
router.get('/items/:id', (req, res) => res.json({ id: req.params.id }));
app.use(express.json());
app.use('/api', router);
app.get('/', (req, res) => res.send('hello'));
app.set('view engine', 'txt');
const stack = (app._router || app.router).stack;
console.log(typeof app.listen, app.get('view engine'), stack.map((l) => l.name).join(','));
