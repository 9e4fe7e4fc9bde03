using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Text;

namespace RetentionInsights.Plugins.Tests.Plugins;

/// <summary>
/// Compares what a compiled assembly references on Microsoft.Xrm.Sdk with the official listing. Both sides are
/// reduced to the same key: type definition name with arity, member name, generic arity, parameter types and
/// return type, generic parameters written positionally (!0 for a type's, !!0 for a method's). Parameter names and
/// out/ref/in are not in a member reference, so they are not compared.
/// </summary>
public static class SdkReferenceIndex
{
    public sealed record Listing(IReadOnlySet<string> Types, IReadOnlySet<string> Members);

    public static Listing ReadListing(IEnumerable<string> lines)
    {
        var types = new HashSet<string>(StringComparer.Ordinal);
        var members = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            switch (line[0])
            {
                case 'T':
                    types.Add(DefinitionKey(line[2..line.IndexOf(" : ", StringComparison.Ordinal)], out _));
                    break;
                case 'C':
                case 'M':
                    members.Add(MethodKeyFromLine(line));
                    break;
                case 'F':
                    // "F Type :: Name = 1" for enum members, "F Type :: FieldType Name ..." otherwise.
                    var field = line[2..].Split(" :: ", 2);
                    var words = field[1].Split(' ');
                    var fieldName = words.Length > 1 && words[1] == "=" ? words[0] : words[1];
                    members.Add($"{DefinitionKey(field[0], out _)}::{fieldName}");
                    break;
            }
        }

        return new Listing(types, members);
    }

    /// <summary>Member and type keys of every reference the assembly makes into the assembly named <paramref name="sdkName"/>.</summary>
    public static (IReadOnlyList<string> Types, IReadOnlyList<string> Members) ReadReferences(MetadataReader reader, string sdkName)
    {
        var sdk = reader.AssemblyReferences.Single(h => reader.GetString(reader.GetAssemblyReference(h).Name) == sdkName);
        var types = new List<string>();
        foreach (var handle in reader.TypeReferences)
        {
            if (IsFrom(reader, handle, sdk))
            {
                types.Add(TypeReferenceName(reader, handle, keepArity: true));
            }
        }

        var provider = new NameProvider();
        var members = new List<string>();
        foreach (var handle in reader.MemberReferences)
        {
            var member = reader.GetMemberReference(handle);
            var parent = ParentTypeReference(reader, member.Parent);
            if (parent == null || !IsFrom(reader, parent.Value, sdk))
            {
                continue;
            }

            var typeKey = TypeReferenceName(reader, parent.Value, keepArity: true);
            var name = reader.GetString(member.Name);
            if (member.GetKind() == MemberReferenceKind.Field)
            {
                members.Add($"{typeKey}::{name}");
                continue;
            }

            var signature = member.DecodeMethodSignature(provider, reader);
            members.Add($"{typeKey}::{name}`{signature.GenericParameterCount}({string.Join(",", signature.ParameterTypes)})->{signature.ReturnType}");
        }

        return (types, members);
    }

    private static string MethodKeyFromLine(string line)
    {
        var parts = line[2..].Split(" :: ", 2);
        var typeKey = DefinitionKey(parts[0], out var typeGenerics);
        var rest = parts[1];
        string returns;
        if (line[0] == 'C')
        {
            returns = "System.Void";
        }
        else
        {
            var isRef = rest.StartsWith("ref ", StringComparison.Ordinal);
            if (isRef)
            {
                rest = rest[4..];
            }

            var space = rest.IndexOf(' ', StringComparison.Ordinal);
            returns = rest[..space] + (isRef ? "&" : string.Empty);
            rest = rest[(space + 1)..];
        }

        var open = rest.IndexOf('(', StringComparison.Ordinal);
        var nameWithGenerics = rest[..open];
        var methodGenerics = new List<string>();
        var name = nameWithGenerics;
        var lt = nameWithGenerics.IndexOf('<', StringComparison.Ordinal);
        if (lt >= 0)
        {
            name = nameWithGenerics[..lt];
            methodGenerics.AddRange(nameWithGenerics[(lt + 1)..^1].Split(','));
        }

        var parameters = SplitParameters(rest[(open + 1)..]).Select(ParameterType).ToList();
        string Normalize(string tn) => Positional(tn, typeGenerics, methodGenerics);
        return $"{typeKey}::{name}`{methodGenerics.Count}({string.Join(",", parameters.Select(Normalize))})->{Normalize(returns)}";
    }

    /// <summary>Parameters up to the closing parenthesis, split at top-level ", " (string defaults may hold either).</summary>
    private static List<string> SplitParameters(string text)
    {
        var result = new List<string>();
        var current = new StringBuilder();
        var inString = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (inString)
            {
                current.Append(ch);
                if (ch == '\\')
                {
                    current.Append(text[++i]);
                }
                else if (ch == '"')
                {
                    inString = false;
                }

                continue;
            }

            if (ch == '"')
            {
                inString = true;
                current.Append(ch);
            }
            else if (ch == ')')
            {
                break;
            }
            else if (ch == ',' && i + 1 < text.Length && text[i + 1] == ' ')
            {
                result.Add(current.ToString());
                current.Clear();
                i++;
            }
            else
            {
                current.Append(ch);
            }
        }

        if (current.Length > 0)
        {
            result.Add(current.ToString());
        }

        return result;
    }

    private static string ParameterType(string parameter)
    {
        var words = parameter.Split(' ').ToList();
        var byRef = false;
        while (words.Count > 1 && words[0] is "this" or "params" or "out" or "ref" or "in")
        {
            byRef |= words[0] is "out" or "ref" or "in";
            words.RemoveAt(0);
        }

        return words[0] + (byRef ? "&" : string.Empty);
    }

    /// <summary>"Ns.Name&lt;TKey,TValue&gt;" becomes "Ns.Name`2" with the generic names returned.</summary>
    private static string DefinitionKey(string typeName, out List<string> generics)
    {
        generics = [];
        var lt = typeName.IndexOf('<', StringComparison.Ordinal);
        if (lt < 0)
        {
            return typeName;
        }

        generics.AddRange(typeName[(lt + 1)..^1].Split(','));
        return typeName[..lt] + "`" + generics.Count;
    }

    private static string Positional(string typeName, List<string> typeGenerics, List<string> methodGenerics)
    {
        var result = new StringBuilder();
        var token = new StringBuilder();
        void Flush()
        {
            var word = token.ToString();
            var methodIndex = methodGenerics.IndexOf(word);
            var typeIndex = typeGenerics.IndexOf(word);
            result.Append(methodIndex >= 0 ? "!!" + methodIndex : typeIndex >= 0 ? "!" + typeIndex : word);
            token.Clear();
        }

        foreach (var ch in typeName)
        {
            if (ch is '<' or '>' or ',' or '[' or ']' or '&' or '*')
            {
                Flush();
                result.Append(ch);
            }
            else
            {
                token.Append(ch);
            }
        }

        Flush();
        return result.ToString();
    }

    private static TypeReferenceHandle? ParentTypeReference(MetadataReader reader, EntityHandle parent)
    {
        switch (parent.Kind)
        {
            case HandleKind.TypeReference:
                return (TypeReferenceHandle)parent;
            case HandleKind.TypeSpecification:
                var blob = reader.GetBlobReader(reader.GetTypeSpecification((TypeSpecificationHandle)parent).Signature);
                if (blob.ReadSignatureTypeCode() != SignatureTypeCode.GenericTypeInstance)
                {
                    return null;
                }

                blob.ReadSignatureTypeCode();
                var definition = blob.ReadTypeHandle();
                return definition.Kind == HandleKind.TypeReference ? (TypeReferenceHandle)definition : null;
            default:
                return null;
        }
    }

    private static bool IsFrom(MetadataReader reader, TypeReferenceHandle handle, AssemblyReferenceHandle assembly)
    {
        var scope = reader.GetTypeReference(handle).ResolutionScope;
        while (scope.Kind == HandleKind.TypeReference)
        {
            scope = reader.GetTypeReference((TypeReferenceHandle)scope).ResolutionScope;
        }

        return scope.Kind == HandleKind.AssemblyReference && (AssemblyReferenceHandle)scope == assembly;
    }

    private static string TypeReferenceName(MetadataReader reader, TypeReferenceHandle handle, bool keepArity)
    {
        var type = reader.GetTypeReference(handle);
        var name = reader.GetString(type.Name);
        if (!keepArity)
        {
            var tick = name.IndexOf('`', StringComparison.Ordinal);
            name = tick >= 0 ? name[..tick] : name;
        }

        if (type.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            return TypeReferenceName(reader, (TypeReferenceHandle)type.ResolutionScope, keepArity) + "+" + name;
        }

        var ns = reader.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    /// <summary>Renders signature types in the listing's type-name form.</summary>
    private sealed class NameProvider : ISignatureTypeProvider<string, MetadataReader>
    {
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => "System." + typeCode;

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            var type = reader.GetTypeDefinition(handle);
            return reader.GetString(type.Namespace) + "." + reader.GetString(type.Name);
        }

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) =>
            TypeReferenceName(reader, handle, keepArity: false);

        public string GetTypeFromSpecification(MetadataReader reader, MetadataReader genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) =>
            genericType + "<" + string.Join(",", typeArguments) + ">";

        public string GetSZArrayType(string elementType) => elementType + "[]";

        public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[" + new string(',', shape.Rank - 1) + "]";

        public string GetByReferenceType(string elementType) => elementType + "&";

        public string GetPointerType(string elementType) => elementType + "*";

        public string GetGenericTypeParameter(MetadataReader genericContext, int index) => "!" + index;

        public string GetGenericMethodParameter(MetadataReader genericContext, int index) => "!!" + index;

        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;

        public string GetPinnedType(string elementType) => elementType;

        public string GetFunctionPointerType(MethodSignature<string> signature) => "method*";
    }
}
