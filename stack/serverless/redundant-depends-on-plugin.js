/**
 * Drops a DependsOn entry that the resource's own Ref or Fn::GetAtt already enforces. osls writes
 * one on every provisioned-concurrency alias (`…ProvConcLambdaAlias` depends on the function it
 * also names by Ref), which CloudFormation ignores and cfn-lint reports as W3005.
 */
function referencedIds(value, found = new Set()) {
  if (Array.isArray(value)) {
    for (const item of value) referencedIds(item, found);
  } else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') found.add(inner);
      else if (key === 'Fn::GetAtt') found.add(Array.isArray(inner) ? inner[0] : String(inner).split('.')[0]);
      else referencedIds(inner, found);
    }
  }
  return found;
}

function withoutRedundantDependsOn(resources) {
  for (const resource of Object.values(resources)) {
    if (resource.DependsOn === undefined) continue;
    const referenced = referencedIds(resource.Properties);
    const kept = [resource.DependsOn].flat().filter((id) => !referenced.has(id));
    if (kept.length === 0) delete resource.DependsOn;
    else resource.DependsOn = kept.length === 1 ? kept[0] : kept;
  }
}

class RedundantDependsOnPlugin {
  constructor(serverless) {
    this.hooks = {
      'before:package:finalize': () =>
        withoutRedundantDependsOn(serverless.service.provider.compiledCloudFormationTemplate.Resources),
    };
  }
}

module.exports = RedundantDependsOnPlugin;
module.exports.withoutRedundantDependsOn = withoutRedundantDependsOn;
