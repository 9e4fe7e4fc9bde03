using System.Globalization;
using System.Reflection;
using System.Text;

namespace RetentionInsights.Plugins.Tests.XrmSdk;

/// <summary>
/// Writes an assembly's public surface in the line format of ../shared/xrm-sdk/README.md ("The format"), so the
/// stand-in can be compared line by line with Microsoft.Xrm.Sdk.api.txt. Works on runtime and MetadataLoadContext
/// types alike: attributes are matched by name through GetCustomAttributesData.
/// </summary>
public static class ApiSurfaceDumper
{
    private const BindingFlags Declared =
        BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    public static IReadOnlyList<string> Dump(Assembly assembly)
    {
        var lines = new HashSet<string>(StringComparer.Ordinal) { "A " + assembly.GetName().FullName };
        foreach (var type in assembly.GetTypes())
        {
            if (!IsVisibleDefinition(type) || IsGeneratedName(type.Name))
            {
                continue;
            }

            DumpType(type, lines);
        }

        return lines.OrderBy(l => l, StringComparer.Ordinal).ToList();
    }

    private static void DumpType(Type type, HashSet<string> lines)
    {
        var tn = TypeName(type);
        lines.Add($"T {tn} : {TypeLine(type)}");

        var inherited = new HashSet<string>(
            type.BaseType?.GetInterfaces().Select(TypeName) ?? [], StringComparer.Ordinal);
        foreach (var face in type.GetInterfaces())
        {
            var name = TypeName(face);
            if (IsVisibleReference(face) && !inherited.Contains(name))
            {
                lines.Add($"I {tn} : {name}");
            }
        }

        foreach (var ctor in type.GetConstructors(Declared))
        {
            var access = Access(ctor);
            if (ctor.IsStatic || access == null)
            {
                continue;
            }

            lines.Add($"C {tn} :: .ctor({Parameters(ctor.GetParameters(), IsExtension(ctor))}){Mods(access)}");
        }

        foreach (var method in type.GetMethods(Declared))
        {
            var access = Access(method);
            if (access == null || IsGeneratedName(method.Name))
            {
                continue;
            }

            var generic = method.IsGenericMethodDefinition
                ? "<" + string.Join(",", method.GetGenericArguments().Select(a => a.Name)) + ">"
                : string.Empty;
            var where = method.IsGenericMethodDefinition
                ? string.Concat(method.GetGenericArguments().Select(a => Constraints(a) is { } c ? $" where {a.Name} : {c}" : string.Empty))
                : string.Empty;
            var returns = method.ReturnType.IsByRef ? "ref " + TypeName(method.ReturnType.GetElementType()!) : TypeName(method.ReturnType);
            lines.Add($"M {tn} :: {returns} {method.Name}{generic}({Parameters(method.GetParameters(), IsExtension(method))}){where}{Mods(access, Static(method), Vtable(method))}");
        }

        foreach (var property in type.GetProperties(Declared))
        {
            if (IsGeneratedName(property.Name))
            {
                continue;
            }

            var getter = property.GetGetMethod(true);
            var setter = property.GetSetMethod(true);
            var getAccess = getter == null ? null : Access(getter);
            var setAccess = setter == null ? null : Access(setter);
            if (getAccess == null && setAccess == null)
            {
                continue;
            }

            var access = new[] { getAccess, setAccess }.Where(a => a != null).OrderBy(Rank).First();
            var accessors = new List<string>();
            if (getAccess != null)
            {
                accessors.Add(getAccess == access ? "get;" : $"{getAccess} get;".TrimStart());
            }

            if (setAccess != null)
            {
                accessors.Add(setAccess == access ? "set;" : $"{setAccess} set;".TrimStart());
            }

            var source = getAccess != null ? getter! : setter!;
            var index = property.GetIndexParameters();
            var indexText = index.Length == 0 ? string.Empty : "[" + Parameters(index, extension: false) + "]";
            lines.Add($"P {tn} :: {TypeName(property.PropertyType)} {property.Name}{indexText} {{ {string.Join(" ", accessors)} }}{Mods(access, Static(source), Vtable(source))}");
        }

        foreach (var evt in type.GetEvents(Declared))
        {
            var add = evt.GetAddMethod(true);
            var access = add == null ? null : Access(add);
            if (access == null || IsGeneratedName(evt.Name))
            {
                continue;
            }

            lines.Add($"E {tn} :: {TypeName(evt.EventHandlerType!)} {evt.Name}{Mods(access, Static(add!), Vtable(add!))}");
        }

        var isEnum = type.BaseType?.FullName == "System.Enum";
        foreach (var field in type.GetFields(Declared))
        {
            var access = FieldAccess(field);
            if (access == null || field.IsSpecialName || IsGeneratedName(field.Name))
            {
                continue;
            }

            if (isEnum && field.IsLiteral)
            {
                lines.Add($"F {tn} :: {field.Name} = {Literal(field.GetRawConstantValue())}");
                continue;
            }

            var literal = field.IsLiteral ? " = " + Literal(field.GetRawConstantValue()) : string.Empty;
            var storage = field.IsLiteral ? "const" : field.IsStatic ? "static" : null;
            lines.Add($"F {tn} :: {TypeName(field.FieldType)} {field.Name}{literal}{Mods(access, storage, field.IsInitOnly ? "readonly" : null)}");
        }
    }

    private static string TypeLine(Type type)
    {
        var parts = new List<string>();
        string kind;
        if (type.IsInterface)
        {
            kind = "interface";
        }
        else
        {
            kind = type.BaseType?.FullName switch
            {
                "System.Enum" => "enum",
                "System.ValueType" => "struct",
                "System.MulticastDelegate" => "delegate",
                _ => "class",
            };
        }

        var mods = new List<string>();
        if (type.IsNested)
        {
            if (type.IsNestedFamily)
            {
                mods.Add("protected");
            }
            else if (type.IsNestedFamORAssem)
            {
                mods.Add("protected internal");
            }
        }

        if (kind == "class")
        {
            if (type.IsAbstract && type.IsSealed)
            {
                mods.Add("static");
            }
            else if (type.IsAbstract)
            {
                mods.Add("abstract");
            }
            else if (type.IsSealed)
            {
                mods.Add("sealed");
            }
        }

        parts.Add(string.Join(" ", mods.Append(kind)));
        if (kind == "class")
        {
            parts.Add("base " + TypeName(type.BaseType!));
        }

        if (kind == "enum")
        {
            var valueField = type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).First();
            parts.Add("underlying " + TypeName(valueField.FieldType));
        }

        foreach (var parameter in OwnGenericParameters(type))
        {
            var variance = parameter.GenericParameterAttributes & GenericParameterAttributes.VarianceMask;
            if (variance == GenericParameterAttributes.Covariant)
            {
                parts.Add("out " + parameter.Name);
            }
            else if (variance == GenericParameterAttributes.Contravariant)
            {
                parts.Add("in " + parameter.Name);
            }

            if (Constraints(parameter) is { } constraints)
            {
                parts.Add($"where {parameter.Name} : {constraints}");
            }
        }

        return string.Join(", ", parts);
    }

    private static IEnumerable<Type> OwnGenericParameters(Type type)
    {
        var all = type.GetGenericArguments();
        var inherited = type.IsNested ? type.DeclaringType!.GetGenericArguments().Length : 0;
        return all.Skip(inherited);
    }

    private static string? Constraints(Type parameter)
    {
        var attributes = parameter.GenericParameterAttributes;
        var parts = new List<string>();
        if ((attributes & GenericParameterAttributes.ReferenceTypeConstraint) != 0)
        {
            parts.Add("class");
        }

        var isStruct = (attributes & GenericParameterAttributes.NotNullableValueTypeConstraint) != 0;
        if (isStruct)
        {
            parts.Add("struct");
        }

        parts.AddRange(parameter.GetGenericParameterConstraints()
            .Where(c => !(isStruct && c.FullName == "System.ValueType"))
            .Select(TypeName)
            .OrderBy(n => n, StringComparer.Ordinal));
        if (!isStruct && (attributes & GenericParameterAttributes.DefaultConstructorConstraint) != 0)
        {
            parts.Add("new()");
        }

        return parts.Count == 0 ? null : string.Join(", ", parts);
    }

    public static string TypeName(Type type)
    {
        if (type.IsByRef)
        {
            return TypeName(type.GetElementType()!) + "&";
        }

        if (type.IsPointer)
        {
            return TypeName(type.GetElementType()!) + "*";
        }

        if (type.IsArray)
        {
            return TypeName(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        }

        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        var definition = type.IsGenericType && !type.IsGenericTypeDefinition ? type.GetGenericTypeDefinition() : type;
        return Render(definition, type.GetGenericArguments());
    }

    private static string Render(Type definition, Type[] arguments)
    {
        string prefix;
        IEnumerable<Type> own;
        if (definition.IsNested)
        {
            var declaring = definition.DeclaringType!;
            var count = declaring.GetGenericArguments().Length;
            prefix = Render(declaring, arguments.Take(count).ToArray()) + "+";
            own = arguments.Skip(count);
        }
        else
        {
            prefix = string.IsNullOrEmpty(definition.Namespace) ? string.Empty : definition.Namespace + ".";
            own = arguments;
        }

        var name = definition.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0)
        {
            name = name[..tick];
        }

        var ownList = own.ToList();
        return ownList.Count == 0 ? prefix + name : prefix + name + "<" + string.Join(",", ownList.Select(TypeName)) + ">";
    }

    private static string Parameters(ParameterInfo[] parameters, bool extension)
    {
        var parts = new List<string>();
        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            var text = new StringBuilder();
            if (i == 0 && extension)
            {
                text.Append("this ");
            }

            var type = parameter.ParameterType;
            if (type.IsByRef)
            {
                if (parameter.IsOut && !parameter.IsIn)
                {
                    text.Append("out ");
                }
                else if (HasAttribute(parameter.GetCustomAttributesData(), "System.Runtime.CompilerServices.IsReadOnlyAttribute"))
                {
                    text.Append("in ");
                }
                else
                {
                    text.Append("ref ");
                }

                type = type.GetElementType()!;
            }

            if (HasAttribute(parameter.GetCustomAttributesData(), "System.ParamArrayAttribute"))
            {
                text.Append("params ");
            }

            text.Append(TypeName(type));
            if (!string.IsNullOrEmpty(parameter.Name))
            {
                text.Append(' ').Append(parameter.Name);
            }

            if (parameter.HasDefaultValue)
            {
                text.Append(" = ").Append(Literal(parameter.RawDefaultValue));
            }
            else if (parameter.IsOptional)
            {
                text.Append(" = ?");
            }

            parts.Add(text.ToString());
        }

        return string.Join(", ", parts);
    }

    private static string Literal(object? value)
    {
        switch (value)
        {
            case null:
                return "null";
            case DBNull:
            case Missing:
                return "?";
            case string s:
                return "\"" + Escape(s, '"') + "\"";
            case char c:
                return "'" + Escape(c.ToString(), '\'') + "'";
            case bool b:
                return b ? "true" : "false";
            case float f:
                return f.ToString("R", CultureInfo.InvariantCulture);
            case double d:
                return d.ToString("R", CultureInfo.InvariantCulture);
            case Enum e:
                return Literal(Convert.ChangeType(e, Enum.GetUnderlyingType(e.GetType()), CultureInfo.InvariantCulture));
            case IFormattable formattable:
                return formattable.ToString(null, CultureInfo.InvariantCulture);
            default:
                return value.ToString() ?? "null";
        }
    }

    private static string Escape(string text, char quote)
    {
        var builder = new StringBuilder();
        foreach (var ch in text)
        {
            if (ch == '\\')
            {
                builder.Append("\\\\");
            }
            else if (ch == quote)
            {
                builder.Append('\\').Append(quote);
            }
            else if (ch < 0x20 || ch > 0x7E)
            {
                builder.Append("\\u").Append(((int)ch).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(ch);
            }
        }

        return builder.ToString();
    }

    private static string Mods(params string?[] words)
    {
        var present = words.Where(w => !string.IsNullOrEmpty(w)).ToList();
        return present.Count == 0 ? string.Empty : " [" + string.Join(" ", present) + "]";
    }

    /// <summary>"" for public, the access word for protected members, null for anything not visible.</summary>
    private static string? Access(MethodBase method)
    {
        if (method.IsPublic)
        {
            return string.Empty;
        }

        if (method.IsFamily)
        {
            return "protected";
        }

        return method.IsFamilyOrAssembly ? "protected internal" : null;
    }

    private static string? FieldAccess(FieldInfo field)
    {
        if (field.IsPublic)
        {
            return string.Empty;
        }

        if (field.IsFamily)
        {
            return "protected";
        }

        return field.IsFamilyOrAssembly ? "protected internal" : null;
    }

    private static int Rank(string? access) => access switch
    {
        "" => 0,
        "protected internal" => 1,
        _ => 2,
    };

    private static string? Static(MethodBase method) => method.IsStatic ? "static" : null;

    private static string? Vtable(MethodBase method)
    {
        var newSlot = (method.Attributes & MethodAttributes.VtableLayoutMask) == MethodAttributes.NewSlot;
        if (method.IsAbstract)
        {
            return newSlot ? "abstract" : "abstract override";
        }

        if (!method.IsVirtual)
        {
            return null;
        }

        if (!method.IsFinal)
        {
            return newSlot ? "virtual" : "override";
        }

        return newSlot ? null : "sealed override";
    }

    private static bool IsExtension(MethodBase method) =>
        HasAttribute(method.GetCustomAttributesData(), "System.Runtime.CompilerServices.ExtensionAttribute");

    private static bool HasAttribute(IEnumerable<CustomAttributeData> attributes, string fullName) =>
        attributes.Any(a => a.AttributeType.FullName == fullName);

    private static bool IsGeneratedName(string name) => name.Contains('<', StringComparison.Ordinal) || name.Contains('>', StringComparison.Ordinal);

    private static bool IsVisibleDefinition(Type type)
    {
        if (!type.IsNested)
        {
            return type.IsPublic;
        }

        return (type.IsNestedPublic || type.IsNestedFamily || type.IsNestedFamORAssem) && IsVisibleDefinition(type.DeclaringType!);
    }

    private static bool IsVisibleReference(Type type)
    {
        if (type.IsGenericParameter)
        {
            return true;
        }

        if (type.HasElementType)
        {
            return IsVisibleReference(type.GetElementType()!);
        }

        var definition = type.IsGenericType && !type.IsGenericTypeDefinition ? type.GetGenericTypeDefinition() : type;
        return IsVisibleDefinition(definition) && type.GetGenericArguments().All(IsVisibleReference);
    }
}
