// greet returns a friendly greeting for name.
exports.greet = (name) => `Hello, ${name}! This is intact running JavaScript under code-integrity policy.`;
