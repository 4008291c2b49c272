import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kustomizeBuild, retag, splitImage } from '../../src/scenario/manifests/kustomize.js';

/** kustomize's image name rules (cases after sigs.k8s.io/kustomize api/internal/image/image_test.go). */
describe('kustomize images', () => {
  it('splits a reference into name, tag and digest; a registry port stays in the name', () => {
    expect(splitImage('nginx')).toEqual(['nginx', '', '']);
    expect(splitImage('nginx:1.2.3')).toEqual(['nginx', '1.2.3', '']);
    expect(splitImage('nginx@sha256:12345')).toEqual(['nginx', '', 'sha256:12345']);
    expect(splitImage('nginx:1.2.3@sha256:12345')).toEqual(['nginx', '1.2.3', 'sha256:12345']);
    expect(splitImage('docker.io/nginx:1.2.3')).toEqual(['docker.io/nginx', '1.2.3', '']);
    expect(splitImage('foo.com:443/nginx:1.2.3')).toEqual(['foo.com:443/nginx', '1.2.3', '']);
    expect(splitImage('foo.com:443/nginx:1.2.3@sha256:12345')).toEqual(['foo.com:443/nginx', '1.2.3', 'sha256:12345']);
  });

  it('matches by name, with any tag or digest; a new tag or digest replaces both', () => {
    expect(retag('nginx:12345', { name: 'nginx', newTag: '1.25' })).toBe('nginx:1.25');
    expect(retag('nginx:12345@sha256:xyz', { name: 'nginx', newTag: '1.25' })).toBe('nginx:1.25');
    expect(retag('nginx@sha512:xyz', { name: 'nginx', digest: 'sha256:abc' })).toBe('nginx@sha256:abc');
    expect(retag('nginx:1.0', { name: 'nginx', newName: 'mirror.local/nginx' })).toBe('mirror.local/nginx:1.0');
    expect(retag('apache:12345', { name: 'nginx', newTag: '2' })).toBeNull();
    expect(retag('nginx', { name: '[', newTag: '2' })).toBeNull(); // not a valid pattern: matches nothing
  });
});

describe('kustomize build', () => {
  it('applies a kustomization over its nested ones, outermost last, and names what it does not apply', () => {
    const root = mkdtempSync(join(tmpdir(), 'fleetsim-kustomize-'));
    const put = (f: string, text: string) => {
      mkdirSync(join(root, f, '..'), { recursive: true });
      writeFileSync(join(root, f), text);
    };
    put('base/kustomization.yaml', 'resources: [app.yaml]\nnamePrefix: base-\ncommonLabels: { layer: base }\n');
    put('base/app.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: app }\nspec:\n  replicas: 1\n  template:\n    spec:\n      initContainers: [{ name: init, image: busybox:1 }]\n      containers: [{ name: app, image: nginx:1.0 }]\n');
    put('prod/kustomization.yaml', 'resources: [../base]\nnamespace: prod\nnameSuffix: -v2\ncommonLabels: { layer: prod }\ncommonAnnotations: { team: web }\nreplicas: [{ name: base-app, count: 4 }]\nimages: [{ name: nginx, newTag: "1.25" }, { name: busybox, newName: mirror.local/busybox }]\nsecretGenerator: [{ name: s }]\n');
    const b = kustomizeBuild(join(root, 'prod'), root, { images: [{ value: { name: 'nginx', newTag: '1.26' }, pos: { file: 'app.yaml', line: 9, col: 1 } }], labels: [], annotations: [] });
    expect(b.docs).toHaveLength(1);
    const v = b.docs[0].value() as { metadata: Record<string, unknown>; spec: { replicas: number; template: { spec: { containers: { image: string }[]; initContainers: { image: string }[] } } } };
    expect(v.metadata).toEqual({ name: 'base-app-v2', namespace: 'prod', labels: { layer: 'prod' }, annotations: { team: 'web' } });
    expect(v.spec.replicas).toBe(4);
    // Flux's image entry of the same name is merged over the kustomization's (its tag wins).
    expect(v.spec.template.spec.containers[0].image).toBe('nginx:1.26');
    expect(v.spec.template.spec.initContainers[0].image).toBe('mirror.local/busybox:1');
    // A value a transformation set is located where the kustomization sets it.
    expect(b.docs[0].at(['metadata', 'namespace'])).toMatchObject({ line: 2 });
    expect(b.notes.map((n) => `${n.object}: ${n.text}`)).toEqual([expect.stringMatching(/^Kustomization: secretGenerator not applied/)]);
  });
});
