// UPU S10 numbers (app/shipments/s10.py): two letters, 8-digit serial, check digit, country.
const WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7];
const S10 = /^[A-Z]{2}[0-9]{9}[A-Z]{2}$/;
const FOUND = /[A-Z]{2}[0-9]{9}[A-Z]{2}/g;

export function isValid(number) {
  if (!S10.test(number)) return false;
  const sum = WEIGHTS.reduce((total, weight, i) => total + weight * Number(number[2 + i]), 0);
  const check = 11 - (sum % 11);
  return ({ 10: 0, 11: 5 }[check] ?? check) === Number(number[10]);
}

// The valid S10 number in a decoded text (a bare number, or a label's QR carrying one), or null.
export function numberIn(text) {
  const upper = String(text).trim().toUpperCase();
  return (upper.match(FOUND) || []).find(isValid) ?? null;
}
