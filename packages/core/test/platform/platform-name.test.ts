// Each test project runs the platform it is named for (vitest.config.ts runs core's tests on both).
import { platformName } from '@tokengate/core';
import { expect, it } from 'vitest';
import { platform } from '../../src/platform/current.js';

it('the loaded build is the platform this project is named for, everywhere in core', () => {
  expect(process.env.TOKENGATE_PLATFORM).toMatch(/^(node|web)$/);
  expect(platformName).toBe(process.env.TOKENGATE_PLATFORM);
  expect(platform.name).toBe(process.env.TOKENGATE_PLATFORM);
});
