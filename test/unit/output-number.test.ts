// printf-exact %f / %g and cJSON 1.7.15 number printing (values checked against glibc printf and
// the libcjson.so.1.7.15 that Debian's mosquitto_sub links).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { cjsonNumber, formatFixed, formatFixedField, formatGeneral } from '../../src/output/number.js';

describe('formatFixed = printf("%.Nf")', () => {
  const cases: Array<[number, number, string]> = [
    [0, 6, '0.000000'],
    [-0, 6, '-0.000000'],
    [0.5, 0, '0'], // ties go to even, unlike toFixed
    [1.5, 0, '2'],
    [2.5, 0, '2'],
    [-2.5, 0, '-2'],
    [0.125, 2, '0.12'],
    [0.375, 2, '0.38'],
    [1.005, 2, '1.00'], // 1.005 is 1.00499999999999989... in binary
    [123.456, -1, '123.456000'], // no precision: 6
    [1e21, 1, '1000000000000000000000.0'],
    [1.7976931348623157e308, 0, '179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368'],
    [5e-324, 3, '0.000'],
    [Infinity, 2, 'inf'],
    [-Infinity, 2, '-inf'],
    [NaN, 2, 'nan'],
  ];
  for (const [value, precision, expected] of cases) {
    test(`${value} %.${precision}f`, () => assert.equal(formatFixed(value, precision), expected));
  }
  test('width, zero pad and left alignment', () => {
    assert.equal(formatFixedField(-1.5, 2, 10, false, true), '-000001.50');
    assert.equal(formatFixedField(1.5, 1, 6, true, false), '1.5   ');
    assert.equal(formatFixedField(Infinity, 1, 6, false, true), '   inf');
    assert.equal(formatFixedField(12345.5, 1, 3, false, false), '12345.5');
  });
});

describe('formatGeneral = printf("%1.Ng")', () => {
  const cases: Array<[number, number, string]> = [
    [0, 15, '0'],
    [-0, 15, '-0'],
    [100, 15, '100'],
    [1e15, 15, '1e+15'],
    [123456789012345, 15, '123456789012345'],
    [0.0001, 15, '0.0001'],
    [0.00001, 15, '1e-05'],
    [0.1 + 0.2, 15, '0.3'],
    [0.1 + 0.2, 17, '0.30000000000000004'],
    [2 ** -25, 17, '2.9802322387695312e-08'], // an exact tie at the 18th digit: half to even
    [9.9999999999999999e22, 15, '1e+23'],
    [1.7976931348623157e308, 17, '1.7976931348623157e+308'],
  ];
  for (const [value, precision, expected] of cases) {
    test(`${value} %1.${precision}g`, () => assert.equal(formatGeneral(value, precision), expected));
  }
});

describe('cjsonNumber (cJSON 1.7.15 print_number)', () => {
  const cases: Array<[number, string]> = [
    [27, '27'],
    [-0, '-0'],
    [2147483648, '2147483648'],
    [1e15, '1e+15'],
    [1e21, '1e+21'],
    [0.1, '0.1'],
    [0.30000000000000004, '0.3'], // within DBL_EPSILON: the 15-digit form wins
    [12345678901234567890, '1.2345678901234567e+19'],
    [1.5e300, '1.5e+300'],
    [5e-324, '4.94065645841247e-324'],
    [1 / 3, '0.33333333333333331'], // 15 digits are not within DBL_EPSILON here
    [2 / 3, '0.66666666666666663'],
    [Infinity, 'null'],
    [NaN, 'null'],
  ];
  for (const [value, expected] of cases) {
    test(`${value} -> ${expected}`, () => assert.equal(cjsonNumber(value), expected));
  }
});
