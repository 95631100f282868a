namespace Ember.Profiles.Otlp.Json;

/// <summary>
/// The OTLP profiles schema (opentelemetry-proto v1.10/v1.11, wire-identical) as data, so that one
/// generic transcoder can map OTLP/JSON to protobuf and back and the binary codec does the rest.
/// Field numbers and names follow profiles.proto, common.proto, resource.proto and profiles_service.proto.
/// </summary>
internal static class OtlpSchema
{
    private static readonly Dictionary<string, OtlpMessage> ByName = new(StringComparer.Ordinal);

    public static readonly OtlpMessage ProfilesData = Message("ProfilesData");
    public static readonly OtlpMessage ExportProfilesServiceRequest = Message("ExportProfilesServiceRequest");
    public static readonly OtlpMessage ExportProfilesServiceResponse = Message("ExportProfilesServiceResponse");
    public static readonly OtlpMessage ExportProfilesPartialSuccess = Message("ExportProfilesPartialSuccess");
    public static readonly OtlpMessage ProfilesDictionary = Message("ProfilesDictionary");
    public static readonly OtlpMessage ResourceProfiles = Message("ResourceProfiles");
    public static readonly OtlpMessage ScopeProfiles = Message("ScopeProfiles");
    public static readonly OtlpMessage Profile = Message("Profile");
    public static readonly OtlpMessage Link = Message("Link");
    public static readonly OtlpMessage ValueType = Message("ValueType");
    public static readonly OtlpMessage Sample = Message("Sample");
    public static readonly OtlpMessage Mapping = Message("Mapping");
    public static readonly OtlpMessage Stack = Message("Stack");
    public static readonly OtlpMessage Location = Message("Location");
    public static readonly OtlpMessage Line = Message("Line");
    public static readonly OtlpMessage Function = Message("Function");
    public static readonly OtlpMessage KeyValueAndUnit = Message("KeyValueAndUnit");
    public static readonly OtlpMessage AnyValue = Message("AnyValue");
    public static readonly OtlpMessage ArrayValue = Message("ArrayValue");
    public static readonly OtlpMessage KeyValueList = Message("KeyValueList");
    public static readonly OtlpMessage KeyValue = Message("KeyValue");
    public static readonly OtlpMessage InstrumentationScope = Message("InstrumentationScope");
    public static readonly OtlpMessage EntityRef = Message("EntityRef");
    public static readonly OtlpMessage Resource = Message("Resource");

    // Fields are defined once every message object exists, since messages reference each other.
    static OtlpSchema()
    {
        // ExportProfilesServiceRequest has exactly the fields of ProfilesData.
        foreach (var root in new[] { ProfilesData, ExportProfilesServiceRequest })
        {
            root.Define(
                Repeated(1, "resource_profiles", ResourceProfiles),
                Singular(2, "dictionary", ProfilesDictionary));
        }

        ExportProfilesServiceResponse.Define(Singular(1, "partial_success", ExportProfilesPartialSuccess));
        ExportProfilesPartialSuccess.Define(
            new(1, "rejected_profiles", OtlpFieldKind.Int64),
            new(2, "error_message", OtlpFieldKind.String));

        ProfilesDictionary.Define(
            Repeated(1, "mapping_table", Mapping),
            Repeated(2, "location_table", Location),
            Repeated(3, "function_table", Function),
            Repeated(4, "link_table", Link),
            new(5, "string_table", OtlpFieldKind.String, isRepeated: true),
            Repeated(6, "attribute_table", KeyValueAndUnit),
            Repeated(7, "stack_table", Stack));

        ResourceProfiles.Define(
            Singular(1, "resource", Resource),
            Repeated(2, "scope_profiles", ScopeProfiles),
            new(3, "schema_url", OtlpFieldKind.String));

        ScopeProfiles.Define(
            Singular(1, "scope", InstrumentationScope),
            Repeated(2, "profiles", Profile),
            new(3, "schema_url", OtlpFieldKind.String));

        Profile.Define(
            Singular(1, "sample_type", ValueType),
            Repeated(2, "samples", Sample),
            new(3, "time_unix_nano", OtlpFieldKind.Fixed64),
            new(4, "duration_nano", OtlpFieldKind.UInt64),
            Singular(5, "period_type", ValueType),
            new(6, "period", OtlpFieldKind.Int64),
            new OtlpField(7, "profile_id", OtlpFieldKind.Bytes).AsHex(), // the Collector's pdata writes profileId as hex
            new(8, "dropped_attributes_count", OtlpFieldKind.UInt32),
            new(9, "original_payload_format", OtlpFieldKind.String),
            new(10, "original_payload", OtlpFieldKind.Bytes),
            new(11, "attribute_indices", OtlpFieldKind.Int32, isRepeated: true));

        // OTLP/JSON writes trace and span ids as hex, not base64.
        Link.Define(
            new OtlpField(1, "trace_id", OtlpFieldKind.Bytes).AsHex(),
            new OtlpField(2, "span_id", OtlpFieldKind.Bytes).AsHex());

        ValueType.Define(
            new(1, "type_strindex", OtlpFieldKind.Int32),
            new(2, "unit_strindex", OtlpFieldKind.Int32));

        Sample.Define(
            new(1, "stack_index", OtlpFieldKind.Int32),
            new(2, "attribute_indices", OtlpFieldKind.Int32, isRepeated: true),
            new(3, "link_index", OtlpFieldKind.Int32),
            new(4, "values", OtlpFieldKind.Int64, isRepeated: true),
            new(5, "timestamps_unix_nano", OtlpFieldKind.Fixed64, isRepeated: true));

        Mapping.Define(
            new(1, "memory_start", OtlpFieldKind.UInt64),
            new(2, "memory_limit", OtlpFieldKind.UInt64),
            new(3, "file_offset", OtlpFieldKind.UInt64),
            new(4, "filename_strindex", OtlpFieldKind.Int32),
            new(5, "attribute_indices", OtlpFieldKind.Int32, isRepeated: true));

        Stack.Define(new OtlpField(1, "location_indices", OtlpFieldKind.Int32, isRepeated: true));

        Location.Define(
            new(1, "mapping_index", OtlpFieldKind.Int32),
            new(2, "address", OtlpFieldKind.UInt64),
            Repeated(3, "lines", Line),
            new(4, "attribute_indices", OtlpFieldKind.Int32, isRepeated: true));

        Line.Define(
            new(1, "function_index", OtlpFieldKind.Int32),
            new(2, "line", OtlpFieldKind.Int64),
            new(3, "column", OtlpFieldKind.Int64));

        Function.Define(
            new(1, "name_strindex", OtlpFieldKind.Int32),
            new(2, "system_name_strindex", OtlpFieldKind.Int32),
            new(3, "filename_strindex", OtlpFieldKind.Int32),
            new(4, "start_line", OtlpFieldKind.Int64));

        KeyValueAndUnit.Define(
            new(1, "key_strindex", OtlpFieldKind.Int32),
            Singular(2, "value", AnyValue),
            new(3, "unit_strindex", OtlpFieldKind.Int32));

        AnyValue.Define(
            new OtlpField(1, "string_value", OtlpFieldKind.String).AsOneofMember(),
            new OtlpField(2, "bool_value", OtlpFieldKind.Bool).AsOneofMember(),
            new OtlpField(3, "int_value", OtlpFieldKind.Int64).AsOneofMember(),
            new OtlpField(4, "double_value", OtlpFieldKind.Double).AsOneofMember(),
            Singular(5, "array_value", ArrayValue).AsOneofMember(),
            Singular(6, "kvlist_value", KeyValueList).AsOneofMember(),
            new OtlpField(7, "bytes_value", OtlpFieldKind.Bytes).AsOneofMember(),
            new OtlpField(8, "string_value_strindex", OtlpFieldKind.Int32).AsOneofMember());

        ArrayValue.Define(Repeated(1, "values", AnyValue));
        KeyValueList.Define(Repeated(1, "values", KeyValue));

        KeyValue.Define(
            new(1, "key", OtlpFieldKind.String),
            Singular(2, "value", AnyValue),
            new(3, "key_strindex", OtlpFieldKind.Int32));

        InstrumentationScope.Define(
            new(1, "name", OtlpFieldKind.String),
            new(2, "version", OtlpFieldKind.String),
            Repeated(3, "attributes", KeyValue),
            new(4, "dropped_attributes_count", OtlpFieldKind.UInt32));

        EntityRef.Define(
            new(1, "schema_url", OtlpFieldKind.String),
            new(2, "type", OtlpFieldKind.String),
            new(3, "id_keys", OtlpFieldKind.String, isRepeated: true),
            new(4, "description_keys", OtlpFieldKind.String, isRepeated: true));

        Resource.Define(
            Repeated(1, "attributes", KeyValue),
            new(2, "dropped_attributes_count", OtlpFieldKind.UInt32),
            Repeated(3, "entity_refs", EntityRef));
    }

    /// <summary>Looks a message up by its proto name (e.g. "ExportProfilesServiceRequest").</summary>
    /// <exception cref="ArgumentException">The schema has no such message.</exception>
    public static OtlpMessage Get(string name) =>
        ByName.TryGetValue(name, out var message)
            ? message
            : throw new ArgumentException($"the OTLP profiles schema has no message '{name}'", nameof(name));

    private static OtlpMessage Message(string name)
    {
        var message = new OtlpMessage(name);
        ByName.Add(name, message);
        return message;
    }

    private static OtlpField Singular(int number, string name, OtlpMessage type) => new(number, name, OtlpFieldKind.Message, messageType: type);

    private static OtlpField Repeated(int number, string name, OtlpMessage type) => new(number, name, OtlpFieldKind.Message, isRepeated: true, messageType: type);
}
