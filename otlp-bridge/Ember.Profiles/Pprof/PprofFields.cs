namespace Ember.Profiles.Pprof;

/// <summary>Field numbers of perftools.profiles (google/pprof proto/profile.proto, 2025-08-30).</summary>
internal static class PprofFields
{
    public const int ProfileSampleType = 1;
    public const int ProfileSample = 2;
    public const int ProfileMapping = 3;
    public const int ProfileLocation = 4;
    public const int ProfileFunction = 5;
    public const int ProfileStringTable = 6;
    public const int ProfileDropFrames = 7;
    public const int ProfileKeepFrames = 8;
    public const int ProfileTimeNanos = 9;
    public const int ProfileDurationNanos = 10;
    public const int ProfilePeriodType = 11;
    public const int ProfilePeriod = 12;
    public const int ProfileComment = 13;
    public const int ProfileDefaultSampleType = 14;
    public const int ProfileDocUrl = 15;

    public const int ValueTypeType = 1;
    public const int ValueTypeUnit = 2;

    public const int SampleLocationId = 1;
    public const int SampleValue = 2;
    public const int SampleLabel = 3;

    public const int LabelKey = 1;
    public const int LabelStr = 2;
    public const int LabelNum = 3;
    public const int LabelNumUnit = 4;

    public const int MappingId = 1;
    public const int MappingMemoryStart = 2;
    public const int MappingMemoryLimit = 3;
    public const int MappingFileOffset = 4;
    public const int MappingFilename = 5;
    public const int MappingBuildId = 6;
    public const int MappingHasFunctions = 7;
    public const int MappingHasFilenames = 8;
    public const int MappingHasLineNumbers = 9;
    public const int MappingHasInlineFrames = 10;

    public const int LocationId = 1;
    public const int LocationMappingId = 2;
    public const int LocationAddress = 3;
    public const int LocationLine = 4;
    public const int LocationIsFolded = 5;

    public const int LineFunctionId = 1;
    public const int LineLine = 2;
    public const int LineColumn = 3;

    public const int FunctionId = 1;
    public const int FunctionName = 2;
    public const int FunctionSystemName = 3;
    public const int FunctionFilename = 4;
    public const int FunctionStartLine = 5;
}
