import { defineConfig } from 'tsup';
import { buildOptions } from '../../tsup.config.base.js';

export default defineConfig(buildOptions);
