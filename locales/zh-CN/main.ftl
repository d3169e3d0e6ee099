# Texts of the assistant itself (answers come from knowledge/).

greeting-morning = 早上好
greeting-afternoon = 下午好
greeting-evening = 晚上好
greeting-night = 您好，夜深了

smalltalk-greeting = { $greeting }！我是学信网账号帮助助手，注册、找回用户名或密码、证件号码重复、邮箱与手机等问题都可以问我。请直接描述您遇到的问题。
smalltalk-thanks = 不客气！还有其他问题，随时问我。
smalltalk-bye = 再见，祝您顺利！有问题随时回来找我。
smalltalk-identity = 我是学信网账号的帮助机器人，可以解答账号注册、找回账号、证件号码重复、邮箱与手机、实名信息等问题。我回答不了的，会告诉您怎样联系人工客服。

answer-related = 相关问题：
answer-links = 相关链接：
suggest-intro = 您是不是想问：
none-reply = 抱歉，这个问题我暂时回答不了。您可以换个说法再问一次，或联系人工客服：
    客服电话 010-82199588
    客服邮箱 kefu@chsi.com.cn
    帮助中心 https://account.chsi.com.cn/account/help/index.jsp

input-empty = 您好像还没有输入内容，请描述一下您遇到的问题。
input-too-long = 您的消息有 { $length } 个字，太长了。请控制在 { $max } 个字以内，简要描述您遇到的问题。
input-not-text = 这条消息我读不懂，请用文字描述您遇到的问题。
chat-welcome = 您好，我是学信网账号帮助助手。请问有什么可以帮您？
button-unknown = 这个选项已经失效了，请直接输入您的问题。
internal-error = 抱歉，系统出了点问题，请稍后再试。

category-register = 账号注册
category-find-account = 找回账号
category-duplicate-id = 证件号码重复
category-email-mobile = 邮箱与手机
category-real-name = 实名信息
category-support = 联系客服
