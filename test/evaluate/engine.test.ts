import { describe, expect, it } from 'vitest';
import type { RuleDefinition } from '../../src/model/rule.ts';
import { SubjectEvaluator } from '../../src/evaluate/engine.ts';
import { defaultRulesDir } from '../../src/evaluate/paths.ts';
import { loadRules, ruleProblems } from '../../src/evaluate/rule-loader.ts';
import { runExample } from '../../src/evaluate/rule-tester.ts';
import { exampleFacts } from '../../src/evaluate/example-facts.ts';

const rules = loadRules(defaultRulesDir());
const weakProtocol = rules.find((r) => r.id === 'listener-weak-protocol')!;
const failing = weakProtocol.examples.fail[0]!;
const passing = weakProtocol.examples.pass[0]!;

describe('rule tester', () => {
  it('catches an example whose declared outcome is wrong', async () => {
    const result = await runExample(weakProtocol, failing, 'pass');
    expect(result.ok).toBe(false);
    expect(result.problem).toMatch(/expected pass, got fail/);
  });

  it('catches a fail example that picks the wrong message', async () => {
    const result = await runExample(weakProtocol, { ...failing, messageId: 'other' }, 'fail');
    expect(result.problem).toMatch(/expected message "other"/);
  });

  it('renders the failing message with the offending protocols and the policy name', async () => {
    const result = await runExample(weakProtocol, failing, 'fail');
    expect(result.message).toBe('HTTPS listener shop:443 allows TLSv1.0, TLSv1.1 through policy ELBSecurityPolicy-2016-08 (minimum TLSv1.2)');
  });
});

describe('rule loader', () => {
  it('rejects a rule whose examples do not match the facts schema, naming the path', () => {
    const broken = structuredClone(weakProtocol) as RuleDefinition;
    broken.examples.pass[0]!.patch.port = 'four-four-three';
    const problems = ruleProblems(broken, 'listener-weak-protocol.json');
    expect(problems.join('\n')).toMatch(/\/examples\/pass\/0 \(alb-tls13-res-policy\) base facts \+ patch\/port must be integer/);
  });

  it('rejects an id that differs from the file name and an unknown operator', () => {
    const broken = structuredClone(weakProtocol) as RuleDefinition;
    (broken.conditions.all as Record<string, unknown>[])[0]!.operator = 'protocolsAtLeastt';
    const problems = ruleProblems(broken, 'other-name.json').join('\n');
    expect(problems).toMatch(/must equal the file name/);
    expect(problems).toMatch(/unknown operator "protocolsAtLeastt"/);
  });
});

describe('SubjectEvaluator', () => {
  it('maps a rule that reads an absent fact path to error, leaving other rules judged', async () => {
    const listenerRules = rules.filter((r) => r.subject === 'listener').map((rule) => ({ rule, params: rule.params, severity: rule.severity }));
    const evaluator = new SubjectEvaluator('listener', listenerRules);
    const facts = exampleFacts('listener', passing);
    delete (facts.policy as Record<string, unknown>).protocols;
    const outcomes = await evaluator.evaluate(facts);
    expect(outcomes.get('listener-weak-protocol')!.status).toBe('error');
    expect(outcomes.get('listener-weak-protocol')!.reason).toMatch(/no value at path "protocols"/);
    expect(outcomes.get('listener-unknown-policy')!.status).toBe('pass');
  });

  it('hands the engine only the facts a rule reads: an absent one, or one named like an Object member, is still an undefined-fact error', async () => {
    const rule = (id: string, fact: string): RuleDefinition => ({
      ...structuredClone(weakProtocol), id,
      appliesTo: { all: [{ fact: 'terminatesTls', operator: 'equal', value: true }] },
      conditions: { all: [{ fact, operator: 'equal', value: 1 }] },
    });
    const profiled = [rule('reads-absent', 'noSuchFact'), rule('reads-constructor', 'constructor'), rule('reads-port', 'port')]
      .map((r) => ({ rule: r, params: r.params, severity: r.severity }));
    const evaluator = new SubjectEvaluator('listener', profiled);
    const outcomes = await evaluator.evaluate({ ...exampleFacts('listener', passing), port: 1 });
    expect(outcomes.get('reads-absent')!.status).toBe('error');
    expect(outcomes.get('reads-absent')!.reason).toMatch(/Undefined fact: noSuchFact/);
    expect(outcomes.get('reads-constructor')!.status).toBe('error');
    expect(outcomes.get('reads-constructor')!.reason).toMatch(/Undefined fact: constructor/);
    expect(outcomes.get('reads-port')!.status).toBe('pass');
    // An own fact named like a member is a fact like any other.
    const own = await evaluator.evaluate({ ...exampleFacts('listener', passing), port: 2, constructor: 1 });
    expect(own.get('reads-constructor')!.status).toBe('pass');
    expect(own.get('reads-port')!.status).toBe('fail');
  });

  it('judges identical rule inputs once and still reports each subject', async () => {
    const evaluator = new SubjectEvaluator('listener', [{ rule: weakProtocol, params: weakProtocol.params, severity: 'high' }]);
    for (let port = 1; port <= 50; port++) {
      const facts = { ...exampleFacts('listener', failing), port, name: `lb-${port}:443` };
      expect((await evaluator.evaluate(facts)).get(weakProtocol.id)!.status).toBe('fail');
    }
    expect(evaluator.engineRuns).toBe(1);
  });
});

describe('null facts', () => {
  it('turns a path read under a null fact into error, not a judgement on null', async () => {
    const evaluator = new SubjectEvaluator('listener', [{ rule: weakProtocol, params: weakProtocol.params, severity: 'high' }]);
    const facts = { ...exampleFacts('listener', passing), policy: null };
    const outcome = (await evaluator.evaluate(facts)).get(weakProtocol.id)!;
    expect(outcome.status).toBe('error');
    expect(outcome.reason).toMatch(/"policy" is null, so "policy.known" cannot be read/);
  });
});

describe('a leaf that reads null', () => {
  const judge = async (conditions: Record<string, unknown>, facts: Record<string, unknown>) => {
    const rule = { ...weakProtocol, id: 'probe-rule', appliesTo: { all: [] }, conditions, messages: { m: 'm' } } as RuleDefinition;
    return (await new SubjectEvaluator('listener', [{ rule, params: {}, severity: 'low' }]).evaluate({ ...exampleFacts('listener', passing), ...facts })).get('probe-rule')!;
  };

  it('is unknown (error), never a pass or a fail, whatever the operator', async () => {
    for (const [operator, value] of [['notEqual', false], ['equal', true], ['in', [true]], ['notIn', [false]], ['isEmpty', true], ['greaterThan', 0]] as const) {
      const outcome = await judge({ all: [{ fact: 'tlsPassthrough', operator, value }] }, { tlsPassthrough: null });
      expect(outcome.status, operator).toBe('error');
      expect(outcome.reason, operator).toMatch(/"tlsPassthrough" is null: it was not observed/);
    }
  });

  it('is a value when the condition asks about null itself, and an unknown that cannot change the verdict does not matter', async () => {
    expect((await judge({ all: [{ fact: 'mtls', operator: 'equal', value: null }] }, {})).status).toBe('pass');
    expect((await judge({ any: [{ fact: 'terminatesTls', operator: 'equal', value: true }, { fact: 'tlsPassthrough', operator: 'equal', value: true }] }, {})).status).toBe('pass');
    expect((await judge({ all: [{ fact: 'terminatesTls', operator: 'equal', value: false }, { fact: 'tlsPassthrough', operator: 'equal', value: true }] }, {})).status).toBe('fail');
  });

  it('is unknown inside a list when a three-valued operator says so', async () => {
    const certificates = [{ matches: true }, { matches: null }];
    const outcome = await judge({ all: [{ fact: 'backend', path: 'certificates', operator: 'everyObserved', value: 'matches' }] }, { backend: { certificates } });
    expect(outcome.status).toBe('error');
    expect(outcome.reason).toMatch(/everyObserved found a value in "backend.certificates" that was not observed/);
  });
});

describe('unreadable certificates', () => {
  it('are error findings on every chain rule, naming the parse error, never pass or fail', async () => {
    const { readFileSync } = await import('node:fs');
    const facts = JSON.parse(readFileSync(new URL('../fixtures/facts/certificate-unreadable-chain.error.json', import.meta.url), 'utf8'));
    const chainRules = rules.filter((r) => r.id.startsWith('chain-') || r.id === 'cert-weak-signature');
    expect(chainRules.length).toBe(6);
    const evaluator = new SubjectEvaluator('certificate', chainRules.map((rule) => ({ rule, params: rule.params, severity: rule.severity })));
    const outcomes = await evaluator.evaluate(facts);
    for (const rule of chainRules) {
      expect(outcomes.get(rule.id)!.status, rule.id).toBe('error');
      expect(outcomes.get(rule.id)!.reason, rule.id).toContain(facts.parseError);
    }
  });
});
