using RetentionInsights.Scoring.EarlyWarning;
using RetentionInsights.Scoring.Sentiment;

namespace RetentionInsights.Scoring.Tests.EarlyWarning;

public class EarlyWarningEvaluatorTests
{
    private static readonly DateTime AsOf = new(2026, 6, 15, 12, 0, 0, DateTimeKind.Utc);
    private static readonly LexiconSentimentAnalyzer Analyzer = new();
    private readonly EarlyWarningEvaluator _evaluator = new();

    /// <summary>An inbound message scored by the real offline analyzer, <paramref name="daysAgo"/> before the as-of time.</summary>
    private static InboundMessage Msg(double daysAgo, string text) =>
        new(Guid.NewGuid(), AsOf.AddDays(-daysAgo), text, Analyzer.Score(text).Score);

    private static InboundMessage Neutral(double daysAgo) => new(Guid.NewGuid(), AsOf.AddDays(-daysAgo), "Graag een kopie van mijn factuur.", 0);

    private static CustomerCommunication Customer(IEnumerable<InboundMessage> messages, IEnumerable<DateTime>? cases = null) =>
        new(Guid.NewGuid(), messages.ToList(), (cases ?? []).ToList());

    [Theory]
    [InlineData("Dringend: graag mijn meterstand van vandaag verwerken.")]
    [InlineData("Nogmaals mijn nieuwe IBAN voor de incasso: NL00BANK0123456789.")]
    [InlineData("Could you send the contract immediately? Thanks.")]
    [InlineData("The letter about the new rates was a bit unclear to me, could you explain?")]
    public void Evaluate_OneRedFlagTermAlone_RaisesNoAlert(string text)
    {
        Assert.NotEmpty(RedFlags.Detect(text));
        var result = _evaluator.Evaluate(Customer([Msg(2, text)]), AsOf);
        Assert.Equal(EarlyWarningLevel.None, result.Level);
        Assert.Empty(result.Signals);
        Assert.Null(result.DueBy);
    }

    [Fact]
    public void Evaluate_ThreeMildlyNegativeEmailsInAWeek_GivesYellow()
    {
        var messages = new[]
        {
            Msg(6, "Helaas is mijn meterstand nog niet verwerkt."),
            Msg(4, "Jammer dat mijn termijnbedrag nog niet is aangepast."),
            Msg(1, "Het duurt wat lang voordat ik antwoord krijg, dat is vervelend."),
        };
        Assert.All(messages, m => Assert.InRange(m.Sentiment, -0.6, -0.15));

        var result = _evaluator.Evaluate(Customer(messages), AsOf);

        Assert.Equal(EarlyWarningLevel.Yellow, result.Level);
        var signal = Assert.Single(result.Signals);
        Assert.Equal(SignalKind.NegativeSentiment, signal.Kind);
        Assert.Equal(AsOf.AddHours(24), result.DueBy);
        Assert.Equal("Account manager", result.Owner);
    }

    [Fact]
    public void Evaluate_MeanSentimentBelowAlarm_GivesOrangeWithinFourHours()
    {
        var result = _evaluator.Evaluate(Customer([
            Msg(9, "Ik ben zeer ontevreden, de factuur is alweer fout."),
            Msg(3, "Dit is echt belachelijk, niemand belt terug."),
        ]), AsOf);

        Assert.True(result.MeanSentiment < -0.5, $"mean {result.MeanSentiment}");
        Assert.Equal(EarlyWarningLevel.Orange, result.Level);
        Assert.Equal(AsOf.AddHours(4), result.DueBy);
        Assert.Equal("Team lead", result.Owner);
    }

    [Fact]
    public void Evaluate_OneStronglyNegativeMessage_OnlyWarns()
    {
        var result = _evaluator.Evaluate(Customer([Msg(1, "Dit is echt belachelijk en onacceptabel.")]), AsOf);
        Assert.Equal(EarlyWarningLevel.Yellow, result.Level);
    }

    [Fact]
    public void Evaluate_SameRedFlagFamilyInTwoMessages_GivesYellowWithTheTermsQuoted()
    {
        var result = _evaluator.Evaluate(Customer([
            Msg(8, "Dringend: mijn meterstand moet vandaag nog worden aangepast."),
            Msg(2, "Graag per direct de nieuwe meterstand verwerken."),
        ]), AsOf);

        var signal = Assert.Single(result.Signals, s => s.Kind == SignalKind.RedFlags);
        Assert.Equal(1, signal.Points);
        Assert.Contains("pressed for urgent action in 2 messages", signal.TextEn);
        Assert.Contains("drong de klant aan op spoed in 2 berichten", signal.TextNl);
        Assert.Contains("\"dringend\"", signal.TextEn);
        Assert.Equal(EarlyWarningLevel.Yellow, result.Level);
    }

    [Fact]
    public void Evaluate_RedFlagTermInAClearlyPositiveMessage_IsNotAFlag()
    {
        var result = _evaluator.Evaluate(Customer([
            Msg(5, "Thanks again, great service!"),
            Msg(1, "Thank you again, very happy with the quick help!"),
        ]), AsOf);
        Assert.Equal(EarlyWarningLevel.None, result.Level);
    }

    [Fact]
    public void Evaluate_CustomerWhoWroteEveryTwoWeeksNowWritesDaily_FlagsContactSurge()
    {
        var baseline = Enumerable.Range(1, 12).Select(i => Neutral(7 + 14 * i));
        var recent = Enumerable.Range(0, 5).Select(i => Neutral(i + 0.5));

        var result = _evaluator.Evaluate(Customer(baseline.Concat(recent)), AsOf);

        var signal = Assert.Single(result.Signals);
        Assert.Equal(SignalKind.ContactSurge, signal.Kind);
        Assert.Contains("got in touch 5 times in the past 7 days", signal.TextEn);
        Assert.Contains("less than once a week is usual", signal.TextEn);
        Assert.Contains("5 keer contact op", signal.TextNl);
        Assert.Equal(EarlyWarningLevel.Yellow, result.Level);
    }

    [Fact]
    public void Evaluate_ThreeMessagesInAWeekAfterWritingEveryTwoWeeks_IsNotYetASurge()
    {
        var baseline = Enumerable.Range(1, 12).Select(i => Neutral(7 + 14 * i));
        var recent = Enumerable.Range(0, 3).Select(i => Neutral(i * 2 + 0.5));
        Assert.Equal(EarlyWarningLevel.None, _evaluator.Evaluate(Customer(baseline.Concat(recent)), AsOf).Level);
    }

    [Fact]
    public void Evaluate_NewCustomerWithoutBaseline_IsNoSurge()
    {
        var recent = Enumerable.Range(0, 5).Select(i => Neutral(i + 0.5));
        Assert.Equal(EarlyWarningLevel.None, _evaluator.Evaluate(Customer(recent), AsOf).Level);
    }

    [Fact]
    public void Evaluate_CustomerWhoAlwaysWritesDaily_IsNoSurge()
    {
        var daily = Enumerable.Range(0, 180).Select(i => Neutral(i + 0.5));
        Assert.Equal(EarlyWarningLevel.None, _evaluator.Evaluate(Customer(daily), AsOf).Level);
    }

    [Theory]
    [InlineData(12, true)]
    [InlineData(9, false)]
    public void Evaluate_CustomerWhoContactedTwoToThreeTimesAWeekFallsSilent_FlagsSilenceAfterTenDays(int silentDays, bool expected)
    {
        // Eight weeks of contact on Monday, Wednesday and (every other week) Friday, then nothing.
        var moments = new List<InboundMessage>();
        for (var week = 0; week < 8; week++)
        {
            var lastOfWeek = silentDays + week * 7;
            moments.Add(Neutral(lastOfWeek));
            moments.Add(Neutral(lastOfWeek + 2));
            if (week % 2 == 0)
                moments.Add(Neutral(lastOfWeek + 4));
        }

        var result = _evaluator.Evaluate(Customer(moments), AsOf);

        Assert.Equal(expected, result.Signals.Any(s => s.Kind == SignalKind.Silence));
        if (expected)
            Assert.Contains($"De klant is al {silentDays} dagen stil", result.Signals.Single().TextNl);
    }

    [Theory]
    [InlineData(5, EarlyWarningLevel.Orange)]
    [InlineData(4, EarlyWarningLevel.None)]
    public void Evaluate_CasesOpenedInOneWeek_FiveOrMoreIsATicketBurst(int cases, EarlyWarningLevel expected)
    {
        var opened = Enumerable.Range(0, cases).Select(i => AsOf.AddDays(-i * 1.3).AddHours(-3));
        // Cases are spread over the baseline too, so the burst is not also a contact surge.
        var history = Enumerable.Range(0, 40).Select(i => AsOf.AddDays(-10 - i * 4));

        var result = _evaluator.Evaluate(Customer([], opened.Concat(history)), AsOf);

        Assert.Equal(expected, result.Level);
        Assert.Equal(cases >= 5, result.Signals.Any(s => s.Kind == SignalKind.TicketBurst && s.Points == 2));
    }

    [Fact]
    public void Evaluate_AlarmingToneWithRepeatedEscalationAndUrgency_GivesRedForManagementWithinOneHour()
    {
        var result = _evaluator.Evaluate(Customer([
            Msg(10, "Ik heb al meerdere keren gebeld en ben zeer teleurgesteld. Dit moet dringend opgelost worden."),
            Msg(5, "Nogmaals: dit is onacceptabel, ik wil per direct een oplossing."),
            Msg(1, "Ik ben het spuugzat en stap over naar een andere leverancier."),
        ]), AsOf);

        Assert.Equal(EarlyWarningLevel.Red, result.Level);
        Assert.Equal(AsOf.AddHours(1), result.DueBy);
        Assert.Equal("Management", result.Owner);
        Assert.Contains(result.Signals, s => s.Kind == SignalKind.NegativeSentiment && s.Points == 2);
        Assert.Contains(result.Signals, s => s.Kind == SignalKind.RedFlags && s.Points == 2);
        var text = result.SignalsText();
        Assert.Contains("The customer's last 3 messages (past 14 days) read as very negative.", text);
        Assert.Contains("De laatste 3 berichten van de klant (afgelopen 14 dagen) klinken zeer negatief.", text);
    }

    [Fact]
    public void SignalsText_AnyAlert_ReadsAsPlainSpeechWithoutScoresOrThresholds()
    {
        var result = _evaluator.Evaluate(Customer([
            Msg(10, "Ik heb al meerdere keren gebeld en ben zeer teleurgesteld. Dit moet dringend opgelost worden."),
            Msg(5, "Nogmaals: dit is onacceptabel, ik wil per direct een oplossing."),
            Msg(1, "Ik ben het spuugzat en stap over naar een andere leverancier."),
        ]), AsOf);

        var parts = result.SignalsText().Split("\n—\n");
        Assert.Equal(2, parts.Length);
        Assert.Contains("In the past 14 days the customer threatened to escalate or leave in", parts[0]);
        Assert.Contains("In de afgelopen 14 dagen dreigde de klant met escaleren of vertrekken in", parts[1]);
        foreach (var line in parts.SelectMany(p => p.Split('\n')))
        {
            Assert.StartsWith("• ", line);
            Assert.DoesNotMatch(@"-?\d+[.,]\d\d", line);
            Assert.DoesNotContain("sentiment", line, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("threshold", line, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Evaluate_StronglyNegativeMessagesOverMonths_AddsPersistentDiscontent()
    {
        var angry = new[]
        {
            Msg(70, "Dit is echt belachelijk, alweer een foute factuur."),
            Msg(40, "Ik ben woedend, niemand belt terug."),
            Msg(2, "Schandalig, het is nog steeds niet opgelost."),
        };
        Assert.All(angry, m => Assert.True(m.Sentiment < -0.5, $"{m.Text}: {m.Sentiment}"));

        var result = _evaluator.Evaluate(Customer(angry), AsOf);
        var withoutHistory = _evaluator.Evaluate(Customer([angry[2]]), AsOf);

        var signal = Assert.Single(result.Signals, s => s.Kind == SignalKind.PersistentDiscontent);
        Assert.Equal(1, signal.Points);
        Assert.Contains("3 very negative messages over the past 3 months", signal.TextEn);
        Assert.True(result.Level > withoutHistory.Level, $"{result.Level} with history, {withoutHistory.Level} without");
    }

    [Fact]
    public void Evaluate_CalibrationAfterFalseAlarm_NeedsMoreEvidenceForTheSameCustomer()
    {
        var messages = new[] { Msg(9, "Ik ben zeer ontevreden, de factuur is alweer fout."), Msg(3, "Dit is echt belachelijk, niemand belt terug.") };
        var customer = Customer(messages);
        var plain = _evaluator.Evaluate(customer, AsOf);

        var calibrated = _evaluator.Evaluate(customer, AsOf, new CustomerCalibration(-0.3, 1));

        Assert.Equal(EarlyWarningLevel.Orange, plain.Level);
        Assert.True(calibrated.Level < plain.Level, $"{calibrated.Level} after calibration");
    }

    [Fact]
    public void Evaluate_MessagesAfterAsOfOrBeforeTheWindow_AreIgnored()
    {
        var angry = "Dit is echt belachelijk en onacceptabel, ik ben woedend.";
        var customer = Customer([
            new InboundMessage(Guid.NewGuid(), AsOf.AddDays(1), angry, -0.9),
            new InboundMessage(Guid.NewGuid(), AsOf.AddDays(2), angry, -0.9),
            new InboundMessage(Guid.NewGuid(), AsOf.AddDays(-15), angry, -0.9),
            new InboundMessage(Guid.NewGuid(), AsOf.AddDays(-20), angry, -0.9),
        ]);
        var result = _evaluator.Evaluate(customer, AsOf);
        Assert.Equal(EarlyWarningLevel.None, result.Level);
        Assert.Equal(0, result.MessagesInWindow);
    }

    [Fact]
    public void Constructor_RuleThatWouldLetOneTermAlert_IsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new EarlyWarningEvaluator(new EarlyWarningOptions { RedFlagRepeatMessages = 1 }));
        Assert.Contains("RedFlagRepeatMessages", error.Message);
        Assert.Throws<ArgumentException>(() => new EarlyWarningEvaluator(new EarlyWarningOptions { SentimentAlarmThreshold = -0.2 }));
    }

    [Fact]
    public void Evaluate_LowerWarnThreshold_ChangesTheOutcome()
    {
        var messages = new[] { new InboundMessage(Guid.NewGuid(), AsOf.AddDays(-3), "a", -0.35), new InboundMessage(Guid.NewGuid(), AsOf.AddDays(-2), "b", -0.35) };
        Assert.Equal(EarlyWarningLevel.Yellow, _evaluator.Evaluate(Customer(messages), AsOf).Level);
        var stricter = new EarlyWarningEvaluator(new EarlyWarningOptions { SentimentWarnThreshold = -0.4, SentimentAlarmThreshold = -0.6 });
        Assert.Equal(EarlyWarningLevel.None, stricter.Evaluate(Customer(messages), AsOf).Level);
    }
}

public class EarlyWarningFromHistoryTests
{
    [Fact]
    public void FromHistory_CustomerHistory_KeepsInboundMessagesWithSubjectAndAllCases()
    {
        var contact = new RetentionInsights.Data.Records.ContactRecord(Guid.NewGuid(), "K", new DateTime(2024, 1, 1), 0, false, false, false, false, null, null, null);
        var inbound = new RetentionInsights.Data.Records.ActivityRecord(Guid.NewGuid(), contact.Id, RetentionInsights.Data.Records.ActivityKind.Email, false,
            "DRINGEND: storing", "Geen stroom sinds vanochtend.", new DateTime(2026, 6, 1), null);
        var outbound = inbound with { Id = Guid.NewGuid(), Outgoing = true, Subject = "Reactie" };
        var @case = new RetentionInsights.Data.Records.CaseRecord(Guid.NewGuid(), contact.Id, "Storing", null, 2, null, null, null, null, new DateTime(2026, 6, 1), null, 0);
        var history = new RetentionInsights.Data.Records.CustomerHistory(contact, [], [], [], [@case], [inbound, outbound], [], [], []);

        var communication = EarlyWarningEvaluator.FromHistory(history, id => id == inbound.Id ? -0.6 : null);

        var message = Assert.Single(communication.Messages);
        Assert.Equal(-0.6, message.Sentiment);
        Assert.StartsWith("DRINGEND: storing", message.Text, StringComparison.Ordinal);
        Assert.Contains("Geen stroom", message.Text, StringComparison.Ordinal);
        Assert.Single(communication.CasesOpenedOn);
    }
}
