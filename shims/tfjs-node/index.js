// Re-export the one tfjs instance the project uses (see package.json description).
module.exports = require('@tensorflow/tfjs');
