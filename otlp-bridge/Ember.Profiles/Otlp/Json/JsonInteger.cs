namespace Ember.Profiles.Otlp.Json;

/// <summary>Outcome of <see cref="JsonInteger.TryParse"/>.</summary>
internal enum JsonIntegerStatus
{
    Ok,
    NotANumber,
    NotIntegral,
    OutOfRange,
}

/// <summary>
/// Parses integers written as JSON numbers or numeric strings. The protobuf JSON mapping accepts
/// any notation of an integral value ("100", "1e2", "100.0"), so the number is normalised exactly
/// (digits and a decimal exponent) rather than through a lossy double.
/// </summary>
internal static class JsonInteger
{
    /// <summary>Every value this schema holds (up to <see cref="ulong.MaxValue"/>) has at most 20 digits.</summary>
    private const int MaxDigits = 20;

    /// <summary>Exponents beyond this are out of range anyway; capping keeps the arithmetic in a long.</summary>
    private const long ExponentCap = 1_000_000;

    public static JsonIntegerStatus TryParse(ReadOnlySpan<byte> text, out Int128 value)
    {
        if (TryParsePlain(text, out var plain))
        {
            value = plain;
            return JsonIntegerStatus.Ok;
        }

        value = 0;
        var i = 0;
        var negative = i < text.Length && text[i] == '-';
        if (negative)
        {
            i++;
        }

        var integerDigits = Digits(text, ref i);
        var fractionDigits = ReadOnlySpan<byte>.Empty;
        if (i < text.Length && text[i] == '.')
        {
            i++;
            fractionDigits = Digits(text, ref i);
            if (fractionDigits.IsEmpty)
            {
                return JsonIntegerStatus.NotANumber;
            }
        }

        if (integerDigits.IsEmpty)
        {
            return JsonIntegerStatus.NotANumber;
        }

        long exponent = 0;
        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            i++;
            if (!TryParseExponent(text, ref i, out exponent))
            {
                return JsonIntegerStatus.NotANumber;
            }
        }

        if (i != text.Length)
        {
            return JsonIntegerStatus.NotANumber;
        }

        // value = digits(integer ++ fraction) * 10^(exponent - fraction length)
        var total = integerDigits.Length + fractionDigits.Length;
        exponent -= fractionDigits.Length;
        var end = total;
        while (end > 0 && DigitAt(integerDigits, fractionDigits, end - 1) == 0)
        {
            end--;
            exponent++;
        }

        if (end == 0)
        {
            return JsonIntegerStatus.Ok; // all zeros, whatever the sign and exponent
        }

        if (exponent < 0)
        {
            return JsonIntegerStatus.NotIntegral;
        }

        var start = 0;
        while (DigitAt(integerDigits, fractionDigits, start) == 0)
        {
            start++;
        }

        if (end - start + exponent > MaxDigits)
        {
            return JsonIntegerStatus.OutOfRange;
        }

        Int128 magnitude = 0;
        for (var k = start; k < end; k++)
        {
            magnitude = (magnitude * 10) + DigitAt(integerDigits, fractionDigits, k);
        }

        for (var k = 0; k < exponent; k++)
        {
            magnitude *= 10;
        }

        value = negative ? -magnitude : magnitude;
        return JsonIntegerStatus.Ok;
    }

    /// <summary>The common case, up to 18 plain digits with an optional minus sign, without 128-bit arithmetic.</summary>
    private static bool TryParsePlain(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        var digits = text.Length > 0 && text[0] == '-' ? text[1..] : text;
        if (digits.IsEmpty || digits.Length > 18)
        {
            return false;
        }

        foreach (var c in digits)
        {
            var digit = c - '0';
            if ((uint)digit > 9)
            {
                return false;
            }

            value = (value * 10) + digit;
        }

        value = digits.Length == text.Length ? value : -value;
        return true;
    }

    private static ReadOnlySpan<byte> Digits(ReadOnlySpan<byte> text, scoped ref int i)
    {
        var start = i;
        while (i < text.Length && char.IsAsciiDigit((char)text[i]))
        {
            i++;
        }

        return text[start..i];
    }

    private static bool TryParseExponent(ReadOnlySpan<byte> text, ref int i, out long exponent)
    {
        var negative = false;
        if (i < text.Length && (text[i] == '+' || text[i] == '-'))
        {
            negative = text[i] == '-';
            i++;
        }

        var digits = Digits(text, ref i);
        exponent = 0;
        foreach (var digit in digits)
        {
            exponent = Math.Min(ExponentCap, (exponent * 10) + (digit - '0'));
        }

        exponent = negative ? -exponent : exponent;
        return !digits.IsEmpty;
    }

    private static int DigitAt(ReadOnlySpan<byte> integerDigits, ReadOnlySpan<byte> fractionDigits, int k) =>
        (k < integerDigits.Length ? integerDigits[k] : fractionDigits[k - integerDigits.Length]) - '0';
}
