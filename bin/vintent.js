#!/usr/bin/env node
import { runCli } from '../dist/cli/exit.js';

runCli(process.argv.slice(2));
