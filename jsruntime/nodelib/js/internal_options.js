'use strict';
// Node's internal/options for the modules vendored from Node's lib: intact
// takes none of Node's command-line options, so each has its default value,
// which for the boolean ones these modules ask about is false.

module.exports = { getOptionValue: () => false };
