import type { CommandModule } from 'yargs';
import { scenarioSchema } from '../../scenario/schema.js';

export const schemaCommand: CommandModule = {
  command: 'schema',
  describe: 'Print the JSON Schema of the scenario format (for editors: # yaml-language-server: $schema=<file>)',
  handler: () => {
    process.stdout.write(JSON.stringify(scenarioSchema, null, 2) + '\n');
  },
};
