package io.trueroi.clv;

/**
 * The Gaussian hypergeometric function 2F1(a, b; c; z) for 0 ≤ z < 1, by its defining power
 * series Σ (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ, which converges there. BG/NBD's conditional expectation needs
 * it with z = t / (α + T + t); neither Hipparchus nor the JDK has it.
 *
 * <p>Cost: about log(ε) / log(z) terms, a few hundred for the z a year's horizon gives.
 */
final class Hypergeometric {
    /** More terms than any z < 1 − 1e−3 needs at double precision; past them the series is refused. */
    static final int MAX_TERMS = 1_000_000;

    private Hypergeometric() {}

    static double f21(double a, double b, double c, double z) {
        if (!(z >= 0 && z < 1)) {
            throw new IllegalArgumentException(String.format("z must be in [0, 1), cannot be: %s", z));
        }
        if (c <= 0 && c == Math.rint(c)) {
            throw new IllegalArgumentException(
                    String.format("c must not be 0 or a negative integer, cannot be: %s", c));
        }
        double term = 1;
        double sum = 1;
        for (int n = 0; n < MAX_TERMS; n++) {
            term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
            sum += term;
            // Once the terms shrink geometrically (n past |a|, |b| and |c|), a term below ε of the sum
            // bounds the rest by ε / (1 − z).
            if (Math.abs(term) <= 1e-17 * Math.abs(sum)
                    && n + 1 > Math.max(Math.abs(c), Math.max(Math.abs(a), Math.abs(b)))) {
                return sum;
            }
        }
        throw new ArithmeticException(
                String.format("2F1(%s, %s; %s; %s) did not converge in %s terms", a, b, c, z, MAX_TERMS));
    }
}
