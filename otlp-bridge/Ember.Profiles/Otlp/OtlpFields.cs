namespace Ember.Profiles.Otlp;

/// <summary>
/// Field numbers of opentelemetry.proto.profiles.v1development (proto v1.10/v1.11) and the
/// common/resource messages it uses.
/// </summary>
internal static class OtlpFields
{
    public const int DataResourceProfiles = 1;
    public const int DataDictionary = 2;

    public const int DictionaryMappingTable = 1;
    public const int DictionaryLocationTable = 2;
    public const int DictionaryFunctionTable = 3;
    public const int DictionaryLinkTable = 4;
    public const int DictionaryStringTable = 5;
    public const int DictionaryAttributeTable = 6;
    public const int DictionaryStackTable = 7;

    public const int ResourceProfilesResource = 1;
    public const int ResourceProfilesScopeProfiles = 2;
    public const int ResourceProfilesSchemaUrl = 3;

    public const int ScopeProfilesScope = 1;
    public const int ScopeProfilesProfiles = 2;
    public const int ScopeProfilesSchemaUrl = 3;

    public const int ProfileSampleType = 1;
    public const int ProfileSamples = 2;
    public const int ProfileTimeUnixNano = 3;
    public const int ProfileDurationNano = 4;
    public const int ProfilePeriodType = 5;
    public const int ProfilePeriod = 6;
    public const int ProfileProfileId = 7;
    public const int ProfileDroppedAttributesCount = 8;
    public const int ProfileOriginalPayloadFormat = 9;
    public const int ProfileOriginalPayload = 10;
    public const int ProfileAttributeIndices = 11;

    public const int LinkTraceId = 1;
    public const int LinkSpanId = 2;

    public const int ValueTypeType = 1;
    public const int ValueTypeUnit = 2;

    public const int SampleStackIndex = 1;
    public const int SampleAttributeIndices = 2;
    public const int SampleLinkIndex = 3;
    public const int SampleValues = 4;
    public const int SampleTimestamps = 5;

    public const int MappingMemoryStart = 1;
    public const int MappingMemoryLimit = 2;
    public const int MappingFileOffset = 3;
    public const int MappingFilename = 4;
    public const int MappingAttributeIndices = 5;

    public const int StackLocationIndices = 1;

    public const int LocationMappingIndex = 1;
    public const int LocationAddress = 2;
    public const int LocationLines = 3;
    public const int LocationAttributeIndices = 4;

    public const int LineFunctionIndex = 1;
    public const int LineLine = 2;
    public const int LineColumn = 3;

    public const int FunctionName = 1;
    public const int FunctionSystemName = 2;
    public const int FunctionFilename = 3;
    public const int FunctionStartLine = 4;

    public const int KeyValueAndUnitKey = 1;
    public const int KeyValueAndUnitValue = 2;
    public const int KeyValueAndUnitUnit = 3;

    public const int AnyValueString = 1;
    public const int AnyValueBool = 2;
    public const int AnyValueInt = 3;
    public const int AnyValueDouble = 4;
    public const int AnyValueArray = 5;
    public const int AnyValueKeyValueList = 6;
    public const int AnyValueBytes = 7;
    public const int AnyValueStringIndex = 8;

    public const int ArrayValueValues = 1;
    public const int KeyValueListValues = 1;

    public const int KeyValueKey = 1;
    public const int KeyValueValue = 2;
    public const int KeyValueKeyIndex = 3;

    public const int ScopeName = 1;
    public const int ScopeVersion = 2;
    public const int ScopeAttributes = 3;
    public const int ScopeDroppedAttributesCount = 4;

    public const int EntityRefSchemaUrl = 1;
    public const int EntityRefType = 2;
    public const int EntityRefIdKeys = 3;
    public const int EntityRefDescriptionKeys = 4;

    public const int ResourceAttributes = 1;
    public const int ResourceDroppedAttributesCount = 2;
    public const int ResourceEntityRefs = 3;
}
