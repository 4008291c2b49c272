import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/runner/run.js';
import type { Scenario } from '../../src/scenario/types.js';
import { KURATOR_APPS as DIR, kuratorAppsScenario, loadError, loadIn, noteLines } from '../helpers/kurator-apps.js';

/**
 * Kurator Applications as users have them (shaped like kurator-dev/kurator examples/application/),
 * their sources mapped to local copies by the scenario's `sources:` (test/fixtures/kurator-apps/).
 */
const GIT = { url: 'https://git.example.com/shop/gitops', path: './gitops' };

function scenario(app: string, extra = '', sources = `  - { url: ${GIT.url}, path: ${GIT.path} }\n`): string {
  return kuratorAppsScenario('kurator-apps', '5m', `sources:\n${sources}include: [fleet.yaml, ${app}]\n${extra}`);
}

const load = (text: string): Scenario => loadIn(DIR, text);
const error = (text: string) => loadError(DIR, text);
const workload = (s: Scenario, ns: string, name: string) => s.workloads.find((w) => w.namespace === ns && w.name === name);

describe('Kurator Application with a Git source mapped to a checkout', () => {
  it('delivers each sync policy\'s kustomization to every fleet cluster, as Flux builds it', async () => {
    const s = load(scenario('apps/kustomization.yaml'));
    // ./deploy/webapp has no kustomization file: Flux lists its YAML files, and the cache folder (which has one) as a kustomization.
    expect(s.workloads.map((w) => `${w.namespace}/${w.name}`).sort()).toEqual(['shop/podinfo', 'webapp/backend', 'webapp/frontend', 'webapp/web-cache']);
    for (const w of s.workloads) expect(w.kurator).toEqual({ application: 'gitops-demo', clusters: ['kurator-member1', 'kurator-member2'] });
    // The nested kustomization's namePrefix, replicas, images and commonLabels.
    const cache = workload(s, 'webapp', 'web-cache')!;
    expect(cache.kind === 'Deployment' && cache.replicas).toBe(3);
    expect(cache.template.image).toBe('docker.io/library/redis:7.2');
    expect(cache.labels.tier).toBe('cache');
    // The policy's targetNamespace puts the kustomize folder's objects in shop.
    expect(workload(s, 'shop', 'podinfo')!.template.cpuMillis).toBe(200);
    const r = await runScenario(s);
    const backend = r.workloads.find((w) => w.name === 'backend')!;
    expect(backend.placement).toEqual({ 'kurator-member1': 2, 'kurator-member2': 2 });
    expect(backend.ready).toBe(4);
  });

  it('names what it reads but does not apply: kustomize patches and generators, skipped kinds', () => {
    const lines = noteLines(load(scenario('apps/kustomization.yaml')));
    expect(lines).toContainEqual(expect.stringMatching(/kurator-apps\/gitops\/kustomize\/kustomization\.yaml:7: Kustomization: patches, configMapGenerator not applied/));
    expect(lines).toContainEqual(expect.stringMatching(/gitops\/deploy\/webapp\/backend\/service\.yaml: v1\/Service backend is not modelled/));
  });

  it('a clusterSelector matches the labels of Kurator\'s AttachedCluster objects; overlays build their bases first', () => {
    const s = load(scenario('apps/cluster-selector.yaml'));
    expect(workload(s, 'webapp', 'backend')!.kurator!.clusters).toEqual(['kurator-member1']); // env: test
    const staging = workload(s, 'staging', 'podinfo')!; // env: dev, overlays/staging over ../../kustomize
    expect(staging.kurator!.clusters).toEqual(['kurator-member2']);
    expect(staging.kind === 'Deployment' && staging.replicas).toBe(4);
    expect(staging.template.image).toBe('mirror.local/podinfo:6.6.0');
  });

  it('an Application without a Fleet destination deploys into the cluster Kurator runs in, as Kurator does', async () => {
    const s = load(scenario('apps/without-fleet.yaml'));
    expect(workload(s, 'webapp', 'backend')!.kurator!.clusters).toEqual(['host']);
    expect(noteLines(s)).toContainEqual(expect.stringMatching(/Application default\/without-fleet-demo: no Fleet destination: Kurator deploys it into the cluster it runs in, host/));
    const r = await runScenario(s);
    expect(r.workloads.find((w) => w.name === 'backend')!.placement).toEqual({ host: 2 });
    // With no cluster for Kurator itself, one clear line says what is missing.
    const e = error(scenario('apps/without-fleet.yaml').replace(', role: host', ''));
    expect(e.message).toMatch(/without-fleet\.yaml:\d+:\d+: spec\.syncPolicies\[0\]: expected a destination fleet, or a cluster for Kurator itself.*found neither$/);
  });

  it('an unmapped source is one line naming its url and the sources: entry to add', () => {
    const e = error(scenario('apps/kustomization.yaml', '', '  - { url: https://git.example.com/other, path: ./gitops }\n'));
    expect(e.message).toBe(
      'test/fixtures/kurator-apps/apps/kustomization.yaml:14:12: spec.source.gitRepository.url: expected a local copy of this source in the scenario\'s sources: (add { url: https://git.example.com/shop/gitops, path: ./<a checkout of it> }; fleetsim fetches nothing), found no entry for "https://git.example.com/shop/gitops"',
    );
    const ref = error(scenario('apps/kustomization.yaml', '', `  - { url: ${GIT.url}, ref: { tag: v1 }, path: ./gitops }\n`));
    expect(ref.message).toMatch(/found entries for "https:\/\/git\.example\.com\/shop\/gitops" at other refs only \(\{ tag: v1 \}; this source is at \{ branch: main \}\)$/);
  });
});

describe('Kurator Application with a Helm chart, read pre-rendered', () => {
  const chart = '  - { url: https://charts.example.com/podinfo, chart: podinfo, path: ./rendered/podinfo.yaml }\n';

  it('takes the rendered manifests, in the release namespace, without test hooks, and says so', () => {
    const s = load(scenario('apps/helm.yaml', '', chart));
    expect(s.workloads.map((w) => `${w.namespace}/${w.name}`)).toEqual(['charts/podinfo']);
    const lines = noteLines(s).join('\n');
    expect(lines).toMatch(/chart podinfo is read pre-rendered from test\/fixtures\/kurator-apps\/rendered\/podinfo\.yaml \(fleetsim does not run Helm\); the Application's values \(redis\) are not applied by fleetsim/);
    expect(lines).toMatch(/1 Helm test hook object\(s\) in test\/fixtures\/kurator-apps\/rendered\/podinfo\.yaml left out/);
  });

  it('an unrendered chart is one line saying how to render it and what to add', () => {
    const e = error(scenario('apps/helm.yaml', '', `  - { url: ${GIT.url}, path: ./gitops }\n`));
    expect(e.message).toMatch(/kurator-apps\/apps\/helm\.yaml:20:20: spec\.syncPolicies\[0\]\.helm\.chart\.spec\.chart: expected the chart's manifests pre-rendered.*helm template podinfo podinfo --repo https:\/\/charts\.example\.com\/podinfo -f <the Application's values>.*add \{ url: https:\/\/charts\.example\.com\/podinfo, chart: podinfo, path: .*found no entry for chart "podinfo"/);
  });
});

describe('Kurator Application checks, as Kurator and Flux make them', () => {
  /** A scratch copy of the fixtures with one file replaced or added. */
  function scratch(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'fleetsim-kurator-'));
    for (const [f, text] of Object.entries(files)) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      writeFileSync(join(dir, f), text);
    }
    return dir;
  }
  const app = (policies: string, extraSpec = ''): string => `apiVersion: apps.kurator.dev/v1alpha1
kind: Application
metadata: { name: demo }
spec:
  source:
    gitRepository: { interval: 3m, url: ${GIT.url} }
${extraSpec}  syncPolicies:
${policies}`;
  const fleet = 'apiVersion: fleet.kurator.dev/v1alpha1\nkind: Fleet\nmetadata: { name: quickstart }\nspec: { clusters: [{ name: kurator-member1, kind: AttachedCluster }] }\n---\napiVersion: fleet.kurator.dev/v1alpha1\nkind: Fleet\nmetadata: { name: other }\nspec: { clusters: [{ name: kurator-member2, kind: AttachedCluster }] }\n';
  const errorIn = (dir: string, text: string): string => loadError(dir, text).message;

  it("one fleet throughout the Application (Kurator's validating webhook)", () => {
    const dir = scratch({
      'fleet.yaml': fleet,
      'app.yaml': app('    - { destination: { fleet: quickstart }, kustomization: { interval: 1m, prune: true, path: ./x } }\n    - { destination: { fleet: other }, kustomization: { interval: 1m, prune: true, path: ./x } }\n'),
      'gitops/x/d.yaml': '',
    });
    expect(errorIn(dir, scenario('app.yaml'))).toMatch(/\/app\.yaml:9:31: spec\.syncPolicies\[1\]\.destination\.fleet: expected the fleet of syncPolicies\[0\] \("quickstart"\): Kurator's webhook requires one fleet throughout the Application, found "other"/);
    // A destination without fleet is rejected by the CRD, as found nothing (not found "").
    const noFleet = scratch({ 'fleet.yaml': fleet, 'app.yaml': app('    - { destination: { clusterSelector: { matchLabels: { a: b } } }, kustomization: { interval: 1m, prune: true } }\n') });
    expect(errorIn(noFleet, scenario('app.yaml'))).toMatch(/spec\.syncPolicies\[0\]\.destination\.fleet: expected a string \(not empty\), found nothing$/);
  });

  it("a Fleet naming a cluster the scenario lacks is located at that name", () => {
    const dir = scratch({ 'fleet.yaml': fleet.replace('name: kurator-member2', 'name: quickstart'), 'app.yaml': '', 'gitops/x.yaml': '' });
    expect(errorIn(dir, scenario('app.yaml'))).toMatch(/\/fleet\.yaml:9:\d+: spec\.clusters\[0\]\.name: expected the name of a cluster in the scenario's fleet\.clusters \(host, kurator-member1, kurator-member2\): a Fleet's clusters are the simulated ones, found "quickstart"/);
  });

  it('an OCI artifact maps to its unpacked folder, a chart in a Git repository to its rendered manifests', () => {
    const oci = `apiVersion: apps.kurator.dev/v1alpha1
kind: Application
metadata: { name: oci-demo, namespace: apps }
spec:
  source:
    ociRepository: { interval: 5m, url: oci://ghcr.io/example/manifests/shop, ref: { tag: 1.0.0 } }
  destination: { fleet: quickstart }
  syncPolicies:
    - kustomization: { interval: 5m, prune: true, path: ./k }
---
apiVersion: apps.kurator.dev/v1alpha1
kind: Application
metadata: { name: chart-demo, namespace: apps }
spec:
  source:
    gitRepository: { interval: 5m, url: ${GIT.url} }
  destination: { fleet: quickstart }
  syncPolicies:
    - helm: { interval: 5m, chart: { spec: { chart: ./charts/web } } }
`;
    const dir = scratch({
      'fleet.yaml': fleet,
      'app.yaml': oci,
      'gitops/k/d.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: shop }\nspec: { template: { spec: { containers: [{ image: shop:1 }] } } }\n',
      'gitops/.sourceignore': '*.md\n',
      'web.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec: { template: { spec: { containers: [{ image: web:1 }] } } }\n',
    });
    const sources = '  - { url: oci://ghcr.io/example/manifests/shop, ref: { tag: 1.0.0 }, path: ./gitops }\n  - { url: https://git.example.com/shop/gitops.git, chart: charts/web/, path: ./web.yaml }\n';
    // Flux applies a namespaced object only into a namespace it names, or the policy's targetNamespace.
    expect(errorIn(dir, scenario('app.yaml', '', sources))).toMatch(/gitops\/k\/d\.yaml:3:11: metadata\.namespace: expected a namespace: Flux applies a namespaced object into the namespace it names, or the sync policy's kustomization\.targetNamespace \(kustomize-controller: "namespace not specified"\), found nothing$/);
    writeFileSync(join(dir, 'app.yaml'), oci.replace('path: ./k }', 'path: ./k, targetNamespace: shop }'));
    const s = loadIn(dir, scenario('app.yaml', '', sources));
    // Helm puts an object without a namespace in the release namespace (the HelmRelease's: the Application's).
    expect(s.workloads.map((w) => [`${w.namespace}/${w.name}`, w.kurator!.clusters])).toEqual([['shop/shop', ['kurator-member1']], ['apps/web', ['kurator-member1']]]);
    expect(noteLines(s)).toContainEqual(expect.stringMatching(/gitops\/\.sourceignore not applied: every file of the checkout is read/));
    expect(errorIn(dir, scenario('app.yaml', '', sources.replace('tag: 1.0.0', 'tag: 2.0.0')))).toMatch(/spec\.source\.ociRepository\.url: expected a local copy of this source in the scenario's sources: \(add \{ url: oci:\/\/ghcr\.io\/example\/manifests\/shop, path: \.\/<the unpacked artifact of it> \}.*found entries for "oci:.*" at other refs only \(\{ tag: 2\.0\.0 \}; this source is at \{ tag: 1\.0\.0 \}\)$/);
  });

  it('kustomize: remote resources, paths outside the checkout, folders without a kustomization and cycles are refused', () => {
    const policy = '    - { destination: { fleet: quickstart }, kustomization: { interval: 1m, prune: true, path: ./k } }\n';
    const cases: [string, RegExp][] = [
      ['resources: [https://github.com/org/repo//deploy]', /resources\[0\]: expected a file or folder of the source \(Flux builds with remote bases off\), found "https:/],
      ['resources: [../../outside.yaml]', /resources\[0\]: expected a path inside the source's local copy \(.*\), as Flux's secure build requires, found "\.\.\/\.\.\/outside\.yaml", outside it/],
      ['resources: [plain]', /resources\[0\]: expected a folder with a kustomization\.yaml or kustomization\.yml or Kustomization .*found "plain", a folder without one/],
      ['resources: [../k]', /resources\[0\]: expected a kustomization that does not include itself, found a cycle through "\.\.\/k"/],
      ['resources: [missing.yaml]', /resources\[0\]: expected a file or folder \(relative to the kustomization\), found "missing\.yaml": no such file or folder/],
    ];
    for (const [k, re] of cases) {
      const dir = scratch({ 'fleet.yaml': fleet, 'app.yaml': app(policy), 'gitops/k/kustomization.yaml': `${k}\n`, 'gitops/k/plain/d.yaml': '', 'outside.yaml': '' });
      expect(errorIn(dir, scenario('app.yaml'))).toMatch(re);
    }
  });
});
