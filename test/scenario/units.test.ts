import { describe, expect, it } from 'vitest';
import { parseBandwidth, parseBytes, parseCpuMillis, parseDuration, parseMemoryMiB, parseQuantity } from '../../src/scenario/units.js';

describe('units', () => {
  it('reads Kubernetes quantities', () => {
    expect(parseQuantity('500m')).toBeCloseTo(0.5);
    expect(parseQuantity('1Gi')).toBe(2 ** 30);
    expect(parseQuantity('1G')).toBe(1e9);
    expect(parseQuantity('1.5e3')).toBe(1500);
    expect(parseQuantity('12x')).toBeNull();
    expect(parseQuantity(-1)).toBeNull();
  });
  it('converts cpu to millicores, rounding up like Kubernetes', () => {
    expect(parseCpuMillis(2)).toBe(2000);
    expect(parseCpuMillis('250m')).toBe(250);
    expect(parseCpuMillis('0.1')).toBe(100);
    expect(parseCpuMillis('1.0005')).toBe(1001);
    expect(parseCpuMillis('eight')).toBeNull();
  });
  it('converts memory to MiB', () => {
    expect(parseMemoryMiB('512Mi')).toBe(512);
    expect(parseMemoryMiB('64Gi')).toBe(65536);
    expect(parseMemoryMiB('1G')).toBe(954);
    expect(parseMemoryMiB(2 ** 20)).toBe(1);
  });
  it('reads durations', () => {
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('250ms')).toBeCloseTo(0.25);
    expect(parseDuration('2d')).toBe(172800);
    expect(parseDuration(12.5)).toBe(12.5);
    expect(parseDuration('10 minutes')).toBeNull();
    expect(parseDuration('5m3')).toBeNull();
    expect(parseDuration('')).toBeNull();
  });
  it('reads sizes and bandwidths', () => {
    expect(parseBytes('150Mi')).toBe(150 * 2 ** 20);
    expect(parseBandwidth('8Mbps')).toBe(1e6);
    expect(parseBandwidth(8)).toBe(1e6);
    expect(parseBandwidth('1GB/s')).toBe(1e9);
    expect(parseBandwidth('fast')).toBeNull();
  });
});

describe('distribution parameters as durations', () => {
  it('uniform min/max compare as durations, not as text', async () => {
    const { parseScenario } = await import('../../src/scenario/load.js');
    const y = (min: string, max: string) => `name: u
fleet: { clusters: [{ name: a, region: r, nodePools: [{ count: 1, cpu: 1, memory: 1Gi }] }] }
workloads: [{ kind: Job, name: j, duration: { kind: uniform, min: ${min}, max: ${max} } }]
`;
    expect(parseScenario(y('30m', '1h'), 'u.yaml').workloads[0]).toMatchObject({ duration: { kind: 'uniform', min: 1800, max: 3600 } });
    expect(() => parseScenario(y('1h', '30m'), 'u.yaml')).toThrow(/workloads\[0\]\.duration\.max: expected a duration >= min/);
  });
});
