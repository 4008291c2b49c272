import { mkdtempSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetsim, ROOT } from '../helpers/cli.js';

/** A Kurator Application read from a mapped checkout, with its rollout config, through the CLI. */
describe('fleetsim with Kurator Applications (CLI end to end)', () => {
  const file = 'test/fixtures/kurator-apps/scenario.yaml';
  const out = mkdtempSync(join(tmpdir(), 'fleetsim-kurator-cli-'));

  it("validate and run print what is not modelled; the report lists it under Inputs", () => {
    const v = fleetsim(['validate', file]);
    expect(v.code, v.stderr).toBe(0);
    const note = /note: test\/fixtures\/kurator-apps\/apps\/canary\.yaml:\d+: Application default\/rollout-demo: rollout-demo-0 rollout: a Flagger Canary \(canary\)/;
    expect(v.stdout).toMatch(note);
    const r = fleetsim(['run', file, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/rollout: backend-1 \(Kurator Application default\/rollout-demo\): kurator-member1 promoted at .*, kurator-member2 promoted at/);
    expect(r.stdout).toMatch(note);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain('Inputs');
    expect(html).toContain('1 load-test webhook command(s) run by a private loadtester');
    const j = fleetsim(['run', file, '--out', out, '--json']);
    expect(JSON.parse(j.stdout).inputs.notes).toEqual(expect.arrayContaining([expect.objectContaining({ object: 'Application default/rollout-demo', text: expect.stringMatching(/rollout: a Flagger Canary/) })]));
    expect(j.stderr).toMatch(note);
  });

  it('an unmapped source is exit 2 and one line, no stack', () => {
    const text = readFileSync(join(ROOT, file), 'utf8').replace('  - { url: https://git.example.com/shop/gitops, path: ./gitops }\n', '  []\n').replace('sources:\n  []', 'sources: []');
    const bad = join(ROOT, 'test/fixtures/kurator-apps', `.unmapped-${process.pid}.yaml`);
    writeFileSync(bad, text);
    try {
      const r = fleetsim(['validate', bad]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([
        "fleetsim: test/fixtures/kurator-apps/apps/canary.yaml:14:12: spec.source.gitRepository.url: expected a local copy of this source in the scenario's sources: (add { url: https://git.example.com/shop/gitops, path: ./<a checkout of it> }; fleetsim fetches nothing), found no entry for \"https://git.example.com/shop/gitops\"",
      ]);
    } finally {
      unlinkSync(bad);
    }
  });
});
